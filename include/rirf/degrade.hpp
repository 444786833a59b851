// The degradation engine: sample a plan (rirf/plan.hpp), apply it.
//
// A DegradationPlan is the ground truth of a synthetic image: which degradations, in which
// order, how severe, with which physical factors and random seeds. `apply` is a pure function of
// (image, plan): the same plan gives the same bytes.
#pragma once

#include <ATen/core/Tensor.h>

#include <array>
#include <cstdint>
#include <vector>

#include "rirf/degradation.hpp"
#include "rirf/plan.hpp"
#include "rirf/rng.hpp"

namespace rirf {

// ---- construction ----------------------------------------------------------------------------

// A step of `type` at `severity` (0-100): the main factor from the severity scale, the other
// factors drawn from `rng`. Blur kernels are generated here, so the plan records them.
DegradationStep make_step(DegradationType type, double severity, Rng& rng);

struct SampleOptions {
  std::vector<DegradationType> types{all_degradation_types().begin(), all_degradation_types().end()};
  int min_count = 1;
  int max_count = 3;
  double min_severity = 10.0;
  double max_severity = 90.0;
  double clean_probability = 0.0;  // chance of an empty plan (a clean sample)
  // Relative chance of each type (indexed by DegradationType) to be drawn, without replacement;
  // all equal: uniform, with the same random stream as before weights existed.
  std::array<double, kNumDegradationTypes> type_weights{1, 1, 1, 1, 1, 1};
  void validate() const;
};

// Throws rirf::Error unless every weight is in [0, 1000] and one is positive (SampleOptions'
// check, for options that carry type weights to a sampler).
void validate_type_weights(const std::array<double, kNumDegradationTypes>& weights);

// Picks 1..3 distinct types (by type_weights), severities uniform in range, sorted into physical order.
DegradationPlan sample_plan(const SampleOptions& options, Rng& rng);

// Sorts steps into the physical order (scene, camera, encoding).
void sort_physically(DegradationPlan& plan);

// ---- application -----------------------------------------------------------------------------

// images: [N, 3, H, W] float in [0, 1]. Every image gets the same plan (its random fields differ
// per image but are fixed by the plan). Returns a new tensor in [0, 1].
at::Tensor apply(const at::Tensor& images, const DegradationPlan& plan);
at::Tensor apply_step(const at::Tensor& images, const DegradationStep& step);
// One plan per image of the batch.
at::Tensor apply_each(const at::Tensor& images, const std::vector<DegradationPlan>& plans);

}  // namespace rirf
