// Plans as data: each step's main factor, and the checks of its factors (ranges, kernels).
#include <algorithm>
#include <cmath>

#include "rirf/error.hpp"
#include "types/validation.hpp"

namespace rirf {
namespace {

using detail::check_range;
std::string num(double v) { return detail::format_number(v); }

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

std::string detail::format_number(double v) {
  std::string s = std::to_string(v);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

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

}  // namespace rirf
