// Low light's factors: exposure reduction in stops (the main factor), an extra tone curve, a
// white-balance cast, and the shot and read noise a dark exposure carries.
#include <nlohmann/json.hpp>

#include "degradations/factors.hpp"
#include "types/validation.hpp"

namespace rirf::degradations {

TypeTraits traits(std::in_place_type_t<LowLightFactors>) {
  TypeTraits t;
  t.physical_order = 3;
  t.main_factor = "exposure_ev";
  t.anchors = {{0, 0}, {1, 20}, {2, 40}, {3, 60}, {4, 80}, {5, 100}};
  t.in_words = "under-exposed by %.1f EV";
  return t;
}

double main_factor(const LowLightFactors& f) { return f.exposure_ev; }

void validate(const LowLightFactors& f, const std::string& prefix) {
  using detail::check_range;
  check_range(prefix + "exposure_ev", f.exposure_ev, 0, 8);
  check_range(prefix + "gamma", f.gamma, 0.5, 3);
  for (double g : f.color_gain) check_range(prefix + "color_gain", g, 0.2, 2);
  check_range(prefix + "shot_noise", f.shot_noise, 0, 0.1);
  check_range(prefix + "read_noise", f.read_noise, 0, 0.1);
}

nlohmann::json to_json(const LowLightFactors& f) {
  return {{"exposure_ev", f.exposure_ev},
          {"gamma", f.gamma},
          {"color_gain", f.color_gain},
          {"shot_noise", f.shot_noise},
          {"read_noise", f.read_noise}};
}

void read(LowLightFactors& f, FieldReader& r, std::uint64_t /*seed*/) {
  f.exposure_ev = r.required_number("exposure_ev");
  f.gamma = r.number("gamma", f.gamma);
  f.color_gain = r.triple("color_gain", f.color_gain);
  f.shot_noise = r.number("shot_noise", f.shot_noise);
  f.read_noise = r.number("read_noise", f.read_noise);
}

void sample(LowLightFactors& f, double factor, double /*severity*/, Rng& rng, std::uint64_t /*seed*/) {
  f.exposure_ev = factor;
  f.gamma = rng.uniform(0.9, 1.3);
  f.color_gain = {rng.uniform(0.85, 1.1), 1.0, rng.uniform(0.85, 1.15)};
  // A darker exposure means more gain at capture, so noise grows with the stops lost.
  f.shot_noise = rng.uniform(0.0002, 0.002) * factor / 2.0;
  f.read_noise = rng.uniform(0.0003, 0.002) * factor / 2.0;
}

}  // namespace rirf::degradations
