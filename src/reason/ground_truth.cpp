// The ground-truth backend: an engine plan read as a Diagnosis, what the reasoner learns to say.
#include <ATen/ATen.h>

#include "rirf/plan.hpp"
#include "rirf/reasoner.hpp"
#include "rirf/scene.hpp"

namespace rirf {

Diagnosis diagnosis_from_plan(const DegradationPlan& plan, const at::Tensor& degraded) {
  Diagnosis d;
  d.backend = "ground_truth";
  if (degraded.defined()) {
    d.width = degraded.size(3);
    d.height = degraded.size(2);
    d.scene = measure_scene(degraded);
  }
  for (auto& f : d.findings) f.confidence = 1.0;
  for (const auto& step : plan.steps) {
    Finding& f = d.finding(step.type);
    f.present = true;
    f.severity = step.severity();
    f.factors = factors_to_json(step.factors);
    f.factors[main_factor_name(step.type)] = step.main_factor();
  }
  render_reasoning(d);
  return d;
}

}  // namespace rirf
