// The reasoner: looks at an image and returns a Diagnosis. Backends: "diagnet" (the trained
// network, default, rirf/diagnet.hpp), "classical" (established estimators, no weights; a
// baseline and fallback) and "ground_truth" (an engine plan, for training and benchmarks).
#pragma once

#include <ATen/core/Tensor.h>

#include <memory>
#include <string>

#include "rirf/diagnosis.hpp"

namespace rirf {

class Reasoner {
 public:
  virtual ~Reasoner() = default;
  // image: [1, 3, H, W] float in [0, 1]. Fills findings, scene, plan and reasoning.
  virtual Diagnosis diagnose(const at::Tensor& image) = 0;
  virtual std::string name() const = 0;
};

std::unique_ptr<Reasoner> make_classical_reasoner();

// The ground truth of a synthetic image: its plan as a Diagnosis (backend "ground_truth"), one
// finding per known type, present or not, confidence 1, factors as in the plan, reasoning
// rendered. When `degraded` ([1, 3, H, W]) is given, its size and measured scene are filled in.
Diagnosis diagnosis_from_plan(const DegradationPlan& plan, const at::Tensor& degraded = at::Tensor());

}  // namespace rirf
