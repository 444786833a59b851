// Internal: the (degraded, target) pairs the restorer's trainers learn from, the fixed
// validation set, and the reasoner's predicted condition of each degraded crop.
#pragma once

#include <ATen/ATen.h>

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "restore/condition.hpp"
#include "rirf/degradation.hpp"
#include "rirf/diagnosis.hpp"
#include "rirf/rng.hpp"
#include "rirf/train.hpp"
#include "train/photo_pool.hpp"

namespace rirf {

class DiagNetImpl;
class Reasoner;
class RestorerNetImpl;

namespace train {

struct Pairs {
  at::Tensor degraded, target;  // [N, 3, H, W], quantised to 8 bits like a real file
  std::vector<KeepMask> keep;   // types the target keeps (all false: the clean photo)
  std::vector<KeepMask> present;  // types in the input's degradation (all false: a clean input)
  std::vector<std::string> task;  // validation only: which suite the sample belongs to
  // With PairSampling::condition_view: per sample, the degraded region the crop was cut from
  // ([1, 3, R, R], 8-bit like the crop), which the reasoner diagnoses for the condition.
  std::vector<at::Tensor> views;
  // With PairSampling::false_call_probability: per sample, a finding the condition claims on top
  // of the reasoner's diagnosis (only on clean inputs, whose target stays the input).
  std::vector<std::optional<Finding>> false_calls;
};

struct PairSampling {
  double clean_probability = 0.1;   // clean inputs must come back unchanged
  double keep_probability = 0.1;    // samples that ask the network to keep some present types
  double single_probability = 0.0;  // extra chance of exactly one type (on top of the 1-3 draw)
  std::array<double, kNumDegradationTypes> type_weights{1, 1, 1, 1, 1, 1};  // SampleOptions::type_weights
  std::int64_t haze_context = 0;  // > crop: haze made on a region up to this side around the crop (degrade_in_region)
  // > crop: every sample is degraded as a region of at least this side (up to haze_context when it
  // has haze) and cut out of it, and its condition is the reasoner's diagnosis of the whole
  // region, as `rirf restore` conditions every tile on the whole image's diagnosis.
  std::int64_t condition_view = 0;
  // Chance that a clean input is conditioned on a false call: one of noise, blur, rain or JPEG
  // said present (severity 10-50, confidence 0.5-0.85: unsure, as false calls are) that is not
  // there. Its target is still the input, so the restorer learns to check an unsure diagnosis
  // against the pixels. A clean input the reasoner reads right is returned unchanged by `rirf
  // restore` without running the network, so such samples teach nothing inference uses; one it
  // misreads is restored, and must come back unchanged.
  double false_call_probability = 0.0;
};

// The sampling a restorer trainer's options ask for; keep_probability and false_call_probability
// keep the defaults above unless the trainer sets them.
PairSampling pair_sampling(const PairSamplingOptions& options);

// `count` random crops of `pool`, each degraded by a sampled plan. A sample that keeps some
// types has as target the plan applied with only those steps (same seeds, so a kept noise or
// rain pattern is the one in the input).
Pairs draw_pairs(const PhotoPool& pool, Rng& rng, int count, std::int64_t crop, const PairSampling& sampling);

// A training batch and the reasoner's condition of it (undefined without a reasoner: the blind twin).
struct ConditionedPairs {
  Pairs pairs;
  at::Tensor condition;
};
ConditionedPairs draw_conditioned_pairs(const PhotoPool& pool, Rng& rng, int count, std::int64_t crop,
                                        const PairSampling& sampling, DiagNetImpl* reasoner);

// The fixed validation set: centre crops of the validation photos, each clean and through every
// benchmark suite (rirf synth --list-suites) with bench_restorer's plan for the same image
// index, so that on a folder's sorted photos the scores follow the benchmark's rows.
Pairs make_validation(const PhotoPool& pool, std::int64_t crop);

// The condition of each sample: the reasoner's diagnosis of its view (the degraded crop when
// there are no views) with the types the target keeps told absent (without_kept_types), as
// `rirf restore --only` tells them, [N, kConditionSize].
at::Tensor predicted_conditions(DiagNetImpl& reasoner, const Pairs& pairs);

// What `rirf restore` gives each validation sample: the condition from the reasoner's
// whole-image diagnosis (tiles, evidence, rirf::Reasoner) rather than the network's one pass
// over a crop that trains the batches, and whether it leaves the sample unchanged (nothing to
// undo). Empty for the blind twin.
struct ValidationConditions {
  at::Tensor condition;         // [N, kConditionSize]
  std::vector<bool> unchanged;  // per sample
};
ValidationConditions inference_conditions(Reasoner& reasoner, const Pairs& val);

// Expected residual severity per sample, summed over the six types (0-600): presence
// probability x severity, a smooth score the reasoner gives a restored image. [N]
at::Tensor residual_severity(DiagNetImpl& reasoner, const at::Tensor& images);

struct ValidationScores {
  std::map<std::string, double> psnr;      // task -> mean PSNR of the 8-bit output
  std::map<std::string, double> residual;  // task -> mean residual severity (when a judge is given)
  std::map<std::string, double> worst;     // task -> lowest PSNR of one sample
  double degraded_average() const;         // mean PSNR over the tasks other than "clean"
  std::string describe() const;            // "blur 24.75 clean worst 39.82 ...; degraded-task average 24.56"
};

// Restores `val` with `net` (in eval mode; `conditions` empty for the blind twin) and scores
// each task. `judge`, when given, also rates what is left in each output.
ValidationScores score_restorer(RestorerNetImpl& net, const Pairs& val, const ValidationConditions& conditions,
                                DiagNetImpl* judge = nullptr);

}  // namespace train
}  // namespace rirf
