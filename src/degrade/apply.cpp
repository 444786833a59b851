// Applying plans: a pure function of (images, plan), each step by its type's synthesis.
#include "degrade/detail/synthesis.hpp"
#include "rirf/degrade.hpp"
#include "rirf/error.hpp"

namespace rirf {

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
      generate_blur_kernel(generated, step.seed);
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
