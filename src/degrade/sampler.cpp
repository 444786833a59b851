// Sampling plans: a step of one type at a severity (the main factor from the severity scale, the
// other factors drawn), and composite plans of 1-3 types in physical order.
#include <algorithm>
#include <cmath>

#include "rirf/degrade.hpp"
#include "rirf/error.hpp"
#include "types/validation.hpp"

namespace rirf {
namespace {

std::string num(double v) { return detail::format_number(v); }

}  // namespace

DegradationStep make_step(DegradationType type, double severity, Rng& rng) {
  check(std::isfinite(severity) && severity >= 0 && severity <= 100,
        "severity: must be in [0, 100], got " + num(severity));
  const double factor = factor_from_severity(type, severity);
  DegradationStep step;
  step.type = type;
  step.seed = rng.fork();
  switch (type) {
    case DegradationType::noise: {
      NoiseFactors f;
      f.sigma = factor;
      f.signal_dependence = rng.bernoulli(0.5) ? 0.0 : rng.uniform(0.2, 0.9);
      // Blotchy (correlated) noise is what in-camera processing leaves of modest noise; at high
      // sigma it would hide far more than white noise of the same sigma, breaking the scale.
      const bool correlated = rng.bernoulli(0.3);
      f.correlation_px = correlated && factor <= 30 ? rng.uniform(0.5, 1.5) : 0.0;
      f.channel_shared = rng.bernoulli(0.15);
      step.factors = f;
      break;
    }
    case DegradationType::blur: {
      BlurFactors f;
      const double pick = rng.uniform();
      f.kind = pick < 0.4 ? BlurKind::motion : (pick < 0.7 ? BlurKind::defocus : BlurKind::gaussian);
      f.extent_px = factor;
      f.angle_deg = f.kind == BlurKind::motion ? rng.uniform(0, 180) : 0.0;
      generate_blur_kernel(f, step.seed);
      step.factors = f;
      break;
    }
    case DegradationType::rain: {
      RainFactors f;
      f.coverage = factor;
      f.length_px = rng.uniform(12, 45);
      f.width_px = rng.uniform(0.8, 2.2);
      f.angle_deg = rng.uniform(-25, 25);
      f.brightness = rng.uniform(0.55, 0.9);
      f.veil = severity / 100.0 * rng.uniform(0.05, 0.2);
      f.layers = static_cast<int>(rng.integer(1, 3));
      step.factors = f;
      break;
    }
    case DegradationType::haze: {
      HazeFactors f;
      f.density = factor;
      const double grey = rng.uniform(0.75, 0.95), tint = rng.uniform(-0.05, 0.05);
      f.airlight = {std::clamp(grey + tint, 0.0, 1.0), grey, std::clamp(grey - tint, 0.0, 1.0)};
      step.factors = f;
      break;
    }
    case DegradationType::low_light: {
      LowLightFactors f;
      f.exposure_ev = factor;
      f.gamma = rng.uniform(0.9, 1.3);
      f.color_gain = {rng.uniform(0.85, 1.1), 1.0, rng.uniform(0.85, 1.15)};
      // A darker exposure means more gain at capture, so noise grows with the stops lost.
      f.shot_noise = rng.uniform(0.0002, 0.002) * factor / 2.0;
      f.read_noise = rng.uniform(0.0003, 0.002) * factor / 2.0;
      step.factors = f;
      break;
    }
    case DegradationType::jpeg: {
      JpegFactors f;
      f.quality = std::clamp(static_cast<int>(std::lround(factor)), 1, 100);
      step.factors = f;
      break;
    }
  }
  return step;
}

void SampleOptions::validate() const {
  check(!types.empty(), "sample: no degradation types allowed");
  check(min_count >= 1 && max_count >= min_count && max_count <= kNumDegradationTypes,
        "sample: count range [" + std::to_string(min_count) + ", " + std::to_string(max_count) + "] is invalid");
  check(min_severity >= 0 && max_severity <= 100 && min_severity <= max_severity,
        "sample: severity range [" + num(min_severity) + ", " + num(max_severity) + "] is invalid");
  check(clean_probability >= 0 && clean_probability <= 1,
        "sample: clean_probability must be in [0, 1], got " + num(clean_probability));
  validate_type_weights(type_weights);
}

void validate_type_weights(const std::array<double, kNumDegradationTypes>& weights) {
  for (auto type : all_degradation_types()) {
    const double w = weights[static_cast<int>(type)];
    check(std::isfinite(w) && w >= 0 && w <= 1000,
          std::string("sample: weight of ") + type_name(type) + " must be in [0, 1000], got " + num(w));
  }
  check(std::any_of(weights.begin(), weights.end(), [](double w) { return w > 0; }),
        "sample: at least one type needs a positive weight");
}

DegradationPlan sample_plan(const SampleOptions& options, Rng& rng) {
  options.validate();
  DegradationPlan plan;
  if (rng.bernoulli(options.clean_probability)) return plan;
  std::vector<DegradationType> pool = options.types;
  std::sort(pool.begin(), pool.end());
  pool.erase(std::unique(pool.begin(), pool.end()), pool.end());
  const auto count = std::min<std::int64_t>(rng.integer(options.min_count, options.max_count),
                                            static_cast<std::int64_t>(pool.size()));
  const auto weight = [&](DegradationType t) { return options.type_weights[static_cast<int>(t)]; };
  const bool uniform = std::all_of(pool.begin(), pool.end(), [&](auto t) { return weight(t) == weight(pool[0]) && weight(t) > 0; });
  for (std::int64_t i = 0; i < count; ++i) {  // partial Fisher-Yates: `count` distinct types
    auto j = i;
    if (uniform) {
      j = rng.integer(i, static_cast<std::int64_t>(pool.size()) - 1);
    } else {  // the next type in proportion to its weight among those left
      double left = 0;
      for (auto k = i; k < static_cast<std::int64_t>(pool.size()); ++k) left += weight(pool[k]);
      if (left <= 0) break;  // only zero-weight types remain
      double u = rng.uniform(0.0, left);
      for (j = i; j + 1 < static_cast<std::int64_t>(pool.size()) && u >= weight(pool[j]); ++j) u -= weight(pool[j]);
      while (weight(pool[j]) <= 0 && j > i) --j;  // rounding ran past the last weighted type
    }
    std::swap(pool[i], pool[j]);
    plan.steps.push_back(make_step(pool[i], rng.uniform(options.min_severity, options.max_severity), rng));
  }
  sort_physically(plan);
  return plan;
}

void sort_physically(DegradationPlan& plan) {
  std::stable_sort(plan.steps.begin(), plan.steps.end(),
                   [](const auto& a, const auto& b) { return physical_order(a.type) < physical_order(b.type); });
}

}  // namespace rirf
