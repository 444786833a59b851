// Plans: building steps at a severity, sampling composite plans, validating and applying them.
#include <algorithm>
#include <cmath>

#include "degrade/ops.hpp"
#include "rirf/error.hpp"

namespace rirf {
namespace {

std::string num(double v) {
  std::string s = std::to_string(v);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

using detail::check_range;

struct Validator {
  std::string prefix;
  void operator()(const NoiseFactors& f) const {
    check_range(prefix + "sigma", f.sigma, 0, 75);
    check_range(prefix + "signal_dependence", f.signal_dependence, 0, 1);
    check_range(prefix + "correlation_px", f.correlation_px, 0, 5);
  }
  void operator()(const BlurFactors& f) const {
    check_range(prefix + "extent_px", f.extent_px, 0, 40);
    check(std::isfinite(f.angle_deg), prefix + "angle_deg: must be a number");
    if (f.kernel.empty()) return;
    check(f.kernel_size % 2 == 1 && f.kernel_size <= 151 &&
              static_cast<int>(f.kernel.size()) == f.kernel_size * f.kernel_size,
          prefix + "kernel: must be an odd square of at most 151x151, got " + std::to_string(f.kernel.size()) +
              " values");
    double sum = 0;
    for (float v : f.kernel) {
      check(std::isfinite(v) && v >= 0, prefix + "kernel: values must be finite and >= 0");
      sum += v;
    }
    check(std::abs(sum - 1.0) < 1e-3, prefix + "kernel: must sum to 1, sums to " + num(sum));
  }
  void operator()(const RainFactors& f) const {
    check_range(prefix + "coverage", f.coverage, 0, 0.5);
    check_range(prefix + "length_px", f.length_px, 1, 200);
    check_range(prefix + "width_px", f.width_px, 0.3, 10);
    check_range(prefix + "angle_deg", f.angle_deg, -60, 60);
    check_range(prefix + "brightness", f.brightness, 0, 1);
    check_range(prefix + "veil", f.veil, 0, 0.9);
    check_range(prefix + "layers", f.layers, 1, 3);
  }
  void operator()(const HazeFactors& f) const {
    check_range(prefix + "density", f.density, 0, 0.95);
    for (double a : f.airlight) check_range(prefix + "airlight", a, 0, 1);
  }
  void operator()(const LowLightFactors& f) const {
    check_range(prefix + "exposure_ev", f.exposure_ev, 0, 8);
    check_range(prefix + "gamma", f.gamma, 0.5, 3);
    for (double g : f.color_gain) check_range(prefix + "color_gain", g, 0.2, 2);
    check_range(prefix + "shot_noise", f.shot_noise, 0, 0.1);
    check_range(prefix + "read_noise", f.read_noise, 0, 0.1);
  }
  void operator()(const JpegFactors& f) const { check_range(prefix + "quality", f.quality, 1, 100); }
};

}  // namespace

const char* blur_kind_name(BlurKind kind) {
  static const char* const names[] = {"gaussian", "defocus", "motion"};
  return names[static_cast<int>(kind)];
}

double DegradationStep::main_factor() const {
  switch (type) {
    case DegradationType::noise: return std::get<NoiseFactors>(factors).sigma;
    case DegradationType::blur: return std::get<BlurFactors>(factors).extent_px;
    case DegradationType::rain: return std::get<RainFactors>(factors).coverage;
    case DegradationType::haze: return std::get<HazeFactors>(factors).density;
    case DegradationType::low_light: return std::get<LowLightFactors>(factors).exposure_ev;
    case DegradationType::jpeg: return std::get<JpegFactors>(factors).quality;
  }
  return 0;
}

void DegradationStep::validate() const { detail::validate_step(*this, "step."); }

void detail::check_range(const std::string& field, double v, double lo, double hi) {
  check(std::isfinite(v) && v >= lo && v <= hi,
        field + ": must be in [" + num(lo) + ", " + num(hi) + "], got " + num(v));
}

void detail::validate_step(const DegradationStep& step, const std::string& prefix) {
  check(static_cast<int>(step.factors.index()) == static_cast<int>(step.type),
        prefix + "factors: do not match type '" + type_name(step.type) + "'");
  std::visit(Validator{prefix + "factors."}, step.factors);
}

void DegradationPlan::validate() const {
  check(steps.size() <= static_cast<std::size_t>(kNumDegradationTypes), "plan: too many steps");
  for (std::size_t i = 0; i < steps.size(); ++i) {
    detail::validate_step(steps[i], "plan.steps[" + std::to_string(i) + "].");
    for (std::size_t j = 0; j < i; ++j)
      check(steps[j].type != steps[i].type,
            "plan.steps[" + std::to_string(i) + "].type: '" + type_name(steps[i].type) + "' appears twice");
  }
}

bool DegradationPlan::has(DegradationType type) const {
  return std::any_of(steps.begin(), steps.end(), [&](const auto& s) { return s.type == type; });
}

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
      detail::generate_blur_kernel(f, step.seed);
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

at::Tensor apply_step(const at::Tensor& images, const DegradationStep& step) {
  check(images.defined() && images.dim() == 4 && images.size(1) == 3 && images.size(2) > 0 && images.size(3) > 0,
        "apply: expected images [N, 3, H, W]");
  step.validate();
  const at::Tensor x = images.to(at::kFloat);
  switch (step.type) {
    case DegradationType::noise: return detail::add_noise(x, std::get<NoiseFactors>(step.factors), step.seed);
    case DegradationType::blur: {
      const auto& f = std::get<BlurFactors>(step.factors);
      if (!f.kernel.empty()) return detail::blur(x, f);
      BlurFactors generated = f;
      detail::generate_blur_kernel(generated, step.seed);
      return detail::blur(x, generated);
    }
    case DegradationType::rain: return detail::add_rain(x, std::get<RainFactors>(step.factors), step.seed);
    case DegradationType::haze: return detail::add_haze(x, std::get<HazeFactors>(step.factors));
    case DegradationType::low_light: return detail::darken(x, std::get<LowLightFactors>(step.factors), step.seed);
    case DegradationType::jpeg: return detail::jpeg_round_trip(x, std::get<JpegFactors>(step.factors));
  }
  return x;
}

at::Tensor apply(const at::Tensor& images, const DegradationPlan& plan) {
  plan.validate();
  at::Tensor x = images.to(at::kFloat).contiguous();
  if (plan.steps.empty()) return x.clamp(0.0, 1.0);
  for (const auto& step : plan.steps) x = apply_step(x, step);
  return x;
}

at::Tensor apply_each(const at::Tensor& images, const std::vector<DegradationPlan>& plans) {
  check(images.dim() == 4 && static_cast<std::size_t>(images.size(0)) == plans.size(),
        "apply_each: need one plan per image");
  std::vector<at::Tensor> out;
  for (std::size_t i = 0; i < plans.size(); ++i) out.push_back(apply(images.slice(0, i, i + 1), plans[i]));
  return at::cat(out, 0);
}

}  // namespace rirf
