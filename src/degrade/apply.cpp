// Applying plans: a pure function of (images, plan), each step by its type's synthesis
// (src/degradations/<name>/synthesis.cpp).
#include "degradations/synthesis.hpp"
#include "rirf/degrade.hpp"
#include "rirf/error.hpp"

namespace rirf {

at::Tensor apply_step(const at::Tensor& images, const DegradationStep& step) {
  check(images.defined() && images.dim() == 4 && images.size(1) == 3 && images.size(2) > 0 && images.size(3) > 0,
        "apply: expected images [N, 3, H, W]");
  step.validate();
  const at::Tensor x = images.to(at::kFloat);
  return std::visit([&](const auto& factors) { return degradations::synthesize(x, factors, step.seed); }, step.factors);
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
