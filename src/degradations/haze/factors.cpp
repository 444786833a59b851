// Haze's factors: density (the main factor: 1 - transmission at mid depth) and the airlight
// colour. The JSON also writes beta and the transmission, derived, for readers.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

#include "degradations/factors.hpp"
#include "types/validation.hpp"

namespace rirf::degradations {

TypeTraits traits(std::in_place_type_t<HazeFactors>) {
  TypeTraits t;
  t.physical_order = 0;
  t.main_factor = "density";
  t.anchors = {{0, 0}, {0.15, 20}, {0.35, 45}, {0.55, 70}, {0.75, 90}, {0.85, 100}};
  t.in_words = "haze density %.2f at mid depth";
  return t;
}

double main_factor(const HazeFactors& f) { return f.density; }

void validate(const HazeFactors& f, const std::string& prefix) {
  detail::check_range(prefix + "density", f.density, 0, 0.95);
  for (double a : f.airlight) detail::check_range(prefix + "airlight", a, 0, 1);
}

nlohmann::json to_json(const HazeFactors& f) {
  return {{"density", f.density},
          {"beta", -2.0 * std::log(1.0 - f.density)},
          {"mean_transmission_at_mid_depth", 1.0 - f.density},
          {"airlight", f.airlight}};
}

void read(HazeFactors& f, FieldReader& r, std::uint64_t /*seed*/) {
  f.density = r.required_number("density");
  r.ignore("beta");  // derived from density
  r.ignore("mean_transmission_at_mid_depth");
  f.airlight = r.triple("airlight", f.airlight);
}

void sample(HazeFactors& f, double factor, double /*severity*/, Rng& rng, std::uint64_t /*seed*/) {
  f.density = factor;
  const double grey = rng.uniform(0.75, 0.95), tint = rng.uniform(-0.05, 0.05);
  f.airlight = {std::clamp(grey + tint, 0.0, 1.0), grey, std::clamp(grey - tint, 0.0, 1.0)};
}

}  // namespace rirf::degradations
