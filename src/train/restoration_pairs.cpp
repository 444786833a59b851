#include "train/restoration_pairs.hpp"

#include <torch/torch.h>

#include "reason/diagnet_model.hpp"
#include "reason/diagnet_weights.hpp"
#include "reason/measured_noise.hpp"
#include "rirf/reasoner.hpp"
#include "restore/restorer_model.hpp"
#include "rirf/metrics.hpp"
#include "rirf/degrade.hpp"
#include "rirf/suites.hpp"
#include "train/progress.hpp"
#include "train/quantise.hpp"

namespace rirf::train {
namespace {

DegradationPlan kept_steps(const DegradationPlan& plan, const KeepMask& keep) {
  DegradationPlan kept;
  for (const auto& step : plan.steps)
    if (keep[static_cast<int>(step.type)]) kept.steps.push_back(step);
  return kept;
}

// One row of a [N, kConditionSize] condition tensor.
at::Tensor condition_row(const Diagnosis& diagnosis) {
  Condition values = condition_from_diagnosis(diagnosis);
  return torch::from_blob(values.data(), {kConditionSize}, torch::kFloat).clone();
}

// A finding of a type the image does not have, as a reasoner's false call reads: mild and
// unsure. DiagNet's false calls on the held-out set have confidence 0.50-0.84, while 90% of its
// true noise and JPEG calls have 0.92 or more; with confidence up to 1 the restorer learnt to
// doubt sure calls too and lost 2.4 dB on Kodak24 sigma 15 (1.9 with unsure calls, which is
// why the option is off; docs/notebook/restorer.md, "False calls"). Only types a crop's own pixels can
// refute: haze and low light are judged on the whole image, and a clean crop often looks like a
// hazy or dark one (with them, dehazing lost 1.7 dB on McMaster).
Finding false_call(Rng& rng) {
  static constexpr DegradationType kLocal[] = {DegradationType::noise, DegradationType::blur, DegradationType::rain,
                                              DegradationType::jpeg};
  Finding f;
  f.type = kLocal[rng.integer(0, 3)];
  f.present = true;
  f.severity = rng.uniform(10, 50);
  f.confidence = rng.uniform(0.5, 0.85);
  return f;
}

KeepMask present_types(const DegradationPlan& plan) {
  KeepMask present{};
  for (const auto& step : plan.steps) present[static_cast<int>(step.type)] = true;
  return present;
}

}  // namespace

PairSampling pair_sampling(const PairSamplingOptions& options) {
  PairSampling sampling;
  sampling.clean_probability = options.clean_probability;
  sampling.single_probability = options.single_probability;
  sampling.type_weights = options.type_weights;
  sampling.haze_context = options.haze_context;
  sampling.condition_view = options.condition_view;
  return sampling;
}

Pairs draw_pairs(const PhotoPool& pool, Rng& rng, int count, std::int64_t crop, const PairSampling& sampling) {
  SampleOptions mixed, single;
  mixed.clean_probability = sampling.clean_probability;
  single.max_count = 1;
  mixed.type_weights = single.type_weights = sampling.type_weights;
  std::vector<at::Tensor> degraded, target;
  Pairs pairs;
  for (int i = 0; i < count; ++i) {
    const at::Tensor clean = pool.random_crop(rng, crop);
    const bool force_single = sampling.single_probability > 0 && rng.bernoulli(sampling.single_probability);
    const DegradationPlan plan = sample_plan(force_single ? single : mixed, rng);
    KeepMask keep{};
    if (!plan.steps.empty() && rng.bernoulli(sampling.keep_probability))
      for (const auto& s : plan.steps) keep[static_cast<int>(s.type)] = rng.bernoulli(0.5);
    const DegradationPlan kept = kept_steps(plan, keep);
    if (sampling.condition_view > crop) {
      // Every step made on the region (blur, rain and noise are the same everywhere, so the crop
      // is what a crop of a degraded photo looks like); the region is what the reasoner sees.
      const std::int64_t largest = needs_region(plan) ? std::max(sampling.condition_view, sampling.haze_context)
                                                      : sampling.condition_view;
      const CropRegion region = pool.random_region(rng, crop, largest, sampling.condition_view);
      const at::Tensor view = quantise(apply(region.pixels, plan));
      degraded.push_back(region.cut(view));
      target.push_back(kept.steps.empty() ? region.cut(region.pixels) : region.cut(quantise(apply(region.pixels, kept))));
      pairs.views.push_back(view);
    } else if (needs_region(plan) && sampling.haze_context > crop) {
      const CropRegion region = pool.random_region(rng, crop, sampling.haze_context);
      degraded.push_back(quantise(degrade_in_region(region, plan)));
      target.push_back(kept.steps.empty() ? region.cut(region.pixels) : quantise(degrade_in_region(region, kept)));
    } else {
      degraded.push_back(quantise(apply(clean, plan)));
      target.push_back(kept.steps.empty() ? clean : quantise(apply(clean, kept)));
    }
    pairs.keep.push_back(keep);
    pairs.present.push_back(present_types(plan));
    const bool lie = plan.steps.empty() && sampling.false_call_probability > 0 &&
                     rng.bernoulli(sampling.false_call_probability);
    pairs.false_calls.push_back(lie ? std::optional<Finding>(false_call(rng)) : std::nullopt);
  }
  pairs.degraded = torch::cat(degraded, 0);
  pairs.target = torch::cat(target, 0);
  return pairs;
}

ConditionedPairs draw_conditioned_pairs(const PhotoPool& pool, Rng& rng, int count, std::int64_t crop,
                                        const PairSampling& sampling, DiagNetImpl* reasoner) {
  ConditionedPairs b{draw_pairs(pool, rng, count, crop, sampling), {}};
  if (reasoner) b.condition = predicted_conditions(*reasoner, b.pairs);
  return b;
}

Pairs make_validation(const PhotoPool& pool, std::int64_t crop) {
  std::vector<at::Tensor> degraded, target;
  Pairs p;
  for (std::size_t i = 0; i < pool.size(); ++i) {
    const at::Tensor x = pool.center_crop(i, crop);
    std::vector<std::pair<std::string, DegradationPlan>> plans{{"clean", {}}};
    for (const auto& suite : synth_suites()) plans.push_back({suite.name, suite_plan(suite.name, i)});
    for (const auto& [task, plan] : plans) {
      degraded.push_back(quantise(apply(x, plan)));
      target.push_back(x);
      p.keep.push_back({});
      p.present.push_back(present_types(plan));
      p.task.push_back(task);
    }
  }
  p.degraded = torch::cat(degraded, 0);
  p.target = torch::cat(target, 0);
  return p;
}

at::Tensor predicted_conditions(DiagNetImpl& reasoner, const Pairs& pairs) {
  torch::NoGradGuard no_grad;
  at::Tensor out;
  std::vector<at::Tensor> tiles;  // what each sample was diagnosed on, as at inference
  if (pairs.views.empty()) {
    out = reasoner.forward(pairs.degraded);
    for (std::int64_t i = 0; i < out.size(0); ++i) tiles.push_back(pairs.degraded.slice(0, i, i + 1));
  } else {
    std::vector<at::Tensor> rows;
    for (const auto& view : pairs.views) {
      tiles.push_back(diagnosis_crops(view));
      rows.push_back(tile_outputs(reasoner, tiles.back()));
      add_overview_haze(rows.back(), reasoner, view);
    }
    out = torch::stack(rows);
  }
  at::Tensor c = torch::empty({out.size(0), kConditionSize});
  for (std::int64_t i = 0; i < out.size(0); ++i) {
    Diagnosis diagnosis = decode_outputs(out[i]);
    refine_noise_sigma(diagnosis, tiles[i]);
    if (i < static_cast<std::int64_t>(pairs.false_calls.size()) && pairs.false_calls[i]) {
      // The network's own factors (blur kind, airlight) stay: they are what a false call carries.
      Finding& f = diagnosis.finding(pairs.false_calls[i]->type);
      f.present = true;
      f.severity = pairs.false_calls[i]->severity;
      f.confidence = pairs.false_calls[i]->confidence;
    }
    c[i] = condition_row(without_kept_types(diagnosis, pairs.keep[i]));
  }
  return c;
}

ValidationConditions inference_conditions(Reasoner& reasoner, const Pairs& val) {
  ValidationConditions out;
  out.condition = torch::empty({val.degraded.size(0), kConditionSize});
  for (std::int64_t i = 0; i < val.degraded.size(0); ++i) {
    const Diagnosis diagnosis = reasoner.diagnose(val.degraded.slice(0, i, i + 1));
    const Diagnosis request = restoration_request(diagnosis, val.keep[i]);
    out.unchanged.push_back(nothing_to_undo(request));
    out.condition[i] = condition_row(request);
  }
  return out;
}

at::Tensor residual_severity(DiagNetImpl& reasoner, const at::Tensor& images) {
  torch::NoGradGuard no_grad;
  const at::Tensor out = reasoner.forward(images);
  const at::Tensor presence = torch::sigmoid(out.slice(1, kPresenceOffset, kPresenceOffset + 6));
  const at::Tensor severity = torch::sigmoid(out.slice(1, kSeverityOffset, kSeverityOffset + 6)) * 100.0;
  return (presence * severity).sum(1);
}

double ValidationScores::degraded_average() const {
  double total = 0;
  int tasks = 0;
  for (const auto& [task, value] : psnr)
    if (task != "clean") total += value, ++tasks;
  return total / std::max(1, tasks);
}

std::string ValidationScores::describe() const {
  std::string line;
  for (const auto& [task, value] : psnr) {
    // One clean sample returned exactly makes the mean inf; the worst one is what matters there.
    if (task == "clean" && worst.count(task)) line += fmt(" clean worst %.2f", worst.at(task));
    else line += fmt(" %s %.2f", task.c_str(), value);
  }
  line += fmt("; degraded-task average %.2f", degraded_average());
  if (!residual.empty()) {
    line += "; residual severity:";
    for (const auto& [task, value] : residual) line += fmt(" %s %.1f", task.c_str(), value);
  }
  return line;
}

ValidationScores score_restorer(RestorerNetImpl& net, const Pairs& val, const ValidationConditions& conditions,
                                DiagNetImpl* judge) {
  const at::Tensor& condition = conditions.condition;
  torch::NoGradGuard no_grad;
  const bool was_training = net.is_training();
  net.eval();
  std::map<std::string, std::pair<double, int>> psnr, residual;  // task -> (sum, count)
  std::map<std::string, double> worst;                           // task -> lowest PSNR
  const at::Device device = net.parameters().front().device();  // the samples stay on the CPU
  for (std::int64_t i = 0; i < val.degraded.size(0); i += 16) {
    const std::int64_t end = std::min<std::int64_t>(i + 16, val.degraded.size(0));
    const at::Tensor restored = quantise(net.forward(val.degraded.slice(0, i, end).to(device),
                                                     condition.defined() ? condition.slice(0, i, end).to(device) : at::Tensor()))
                                    .to(at::kCPU);
    for (std::int64_t k = i; k < end; ++k)  // as rirf restore: nothing found, nothing changed
      if (!conditions.unchanged.empty() && conditions.unchanged[k]) restored[k - i].copy_(val.degraded[k]);
    const at::Tensor left = judge ? residual_severity(*judge, restored) : at::Tensor();
    for (std::int64_t k = i; k < end; ++k) {
      auto& [sum, count] = psnr[val.task[k]];
      const double value = rirf::psnr(restored[k - i].unsqueeze(0), val.target[k].unsqueeze(0));
      sum += value;
      ++count;
      const auto [it, first] = worst.try_emplace(val.task[k], value);
      if (!first) it->second = std::min(it->second, value);
      if (judge) {
        auto& [rsum, rcount] = residual[val.task[k]];
        rsum += left[k - i].item<double>();
        ++rcount;
      }
    }
  }
  net.train(was_training);
  ValidationScores scores;
  for (const auto& [task, sc] : psnr) scores.psnr[task] = sc.first / sc.second;
  scores.worst = std::move(worst);
  for (const auto& [task, sc] : residual) scores.residual[task] = sc.first / sc.second;
  return scores;
}

}  // namespace rirf::train
