// Rain's factors: coverage (the main factor: the image area under streaks) and the streaks' look
// (length, width, angle, brightness, veil, depth layers).
#include <nlohmann/json.hpp>

#include <cmath>

#include "degradations/factors.hpp"
#include "types/validation.hpp"

namespace rirf::degradations {

TypeTraits traits(std::in_place_type_t<RainFactors>) {
  TypeTraits t;
  t.physical_order = 1;
  t.main_factor = "coverage";
  t.anchors = {{0, 0}, {0.01, 15}, {0.03, 35}, {0.06, 55}, {0.12, 80}, {0.2, 100}};
  t.in_words = "rain streaks cover %.1f%% of the image";
  t.words_scale = 100;
  return t;
}

double main_factor(const RainFactors& f) { return f.coverage; }

void validate(const RainFactors& f, const std::string& prefix) {
  using detail::check_range;
  check_range(prefix + "coverage", f.coverage, 0, 0.5);
  check_range(prefix + "length_px", f.length_px, 1, 200);
  check_range(prefix + "width_px", f.width_px, 0.3, 10);
  check_range(prefix + "angle_deg", f.angle_deg, -60, 60);
  check_range(prefix + "brightness", f.brightness, 0, 1);
  check_range(prefix + "veil", f.veil, 0, 0.9);
  check_range(prefix + "layers", f.layers, 1, 3);
}

nlohmann::json to_json(const RainFactors& f) {
  return {{"coverage", f.coverage},   {"length_px", f.length_px},   {"width_px", f.width_px},
          {"angle_deg", f.angle_deg}, {"brightness", f.brightness}, {"veil", f.veil},
          {"layers", f.layers}};
}

void read(RainFactors& f, FieldReader& r, std::uint64_t /*seed*/) {
  f.coverage = r.required_number("coverage");
  f.length_px = r.number("length_px", f.length_px);
  f.width_px = r.number("width_px", f.width_px);
  f.angle_deg = r.number("angle_deg", f.angle_deg);
  f.brightness = r.number("brightness", f.brightness);
  f.veil = r.number("veil", f.veil);
  const double layers = r.number("layers", f.layers);
  check(layers == std::floor(layers) && layers >= 1 && layers <= 3, r.path() + ".layers: must be 1, 2 or 3");
  f.layers = static_cast<int>(layers);
}

void sample(RainFactors& f, double factor, double severity, Rng& rng, std::uint64_t /*seed*/) {
  f.coverage = factor;
  f.length_px = rng.uniform(12, 45);
  f.width_px = rng.uniform(0.8, 2.2);
  f.angle_deg = rng.uniform(-25, 25);
  f.brightness = rng.uniform(0.55, 0.9);
  f.veil = severity / 100.0 * rng.uniform(0.05, 0.2);
  f.layers = static_cast<int>(rng.integer(1, 3));
}

}  // namespace rirf::degradations
