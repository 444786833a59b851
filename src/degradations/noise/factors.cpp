// Noise's factors: sigma at mid-grey (the main factor, 0-255 scale), how much of the variance
// follows the signal, spatial correlation, and whether the channels share one field
// (NoiseFactors in rirf/plan.hpp has the variance model).
#include <nlohmann/json.hpp>

#include "degradations/factors.hpp"
#include "types/validation.hpp"

namespace rirf::degradations {

TypeTraits traits(std::in_place_type_t<NoiseFactors>) {
  TypeTraits t;
  t.physical_order = 4;
  t.main_factor = "sigma";
  t.anchors = {{0, 0}, {5, 12}, {15, 30}, {25, 45}, {50, 75}, {75, 100}};
  t.in_words = "noise sigma %.1f on the 0-255 scale";
  return t;
}

double main_factor(const NoiseFactors& f) { return f.sigma; }

void validate(const NoiseFactors& f, const std::string& prefix) {
  detail::check_range(prefix + "sigma", f.sigma, 0, 75);
  detail::check_range(prefix + "signal_dependence", f.signal_dependence, 0, 1);
  detail::check_range(prefix + "correlation_px", f.correlation_px, 0, 5);
}

nlohmann::json to_json(const NoiseFactors& f) {
  return {{"sigma", f.sigma},
          {"signal_dependence", f.signal_dependence},
          {"correlation_px", f.correlation_px},
          {"channel_shared", f.channel_shared}};
}

void read(NoiseFactors& f, FieldReader& r, std::uint64_t /*seed*/) {
  f.sigma = r.required_number("sigma");
  f.signal_dependence = r.number("signal_dependence", f.signal_dependence);
  f.correlation_px = r.number("correlation_px", f.correlation_px);
  f.channel_shared = r.boolean("channel_shared", f.channel_shared);
}

void sample(NoiseFactors& f, double factor, double /*severity*/, Rng& rng, std::uint64_t /*seed*/) {
  f.sigma = factor;
  f.signal_dependence = rng.bernoulli(0.5) ? 0.0 : rng.uniform(0.2, 0.9);
  // Blotchy (correlated) noise is what in-camera processing leaves of modest noise; at high
  // sigma it would hide far more than white noise of the same sigma, breaking the scale.
  const bool correlated = rng.bernoulli(0.3);
  f.correlation_px = correlated && factor <= 30 ? rng.uniform(0.5, 1.5) : 0.0;
  f.channel_shared = rng.bernoulli(0.15);
}

}  // namespace rirf::degradations
