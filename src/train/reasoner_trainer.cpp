// `rirf train reasoner`: DiagNet on the engine's on-the-fly (degraded, clean, plan) triples.
// Each sample: a random crop of a clean photo (optionally of a larger region, downscaled),
// sometimes made "camera-realistic" first (a light JPEG or a touch of softness that still counts
// as clean), then a sampled plan (20% clean), quantised to 8 bits like a real file. With
// --whole-images, some samples are instead a whole region degraded as one picture and read as the
// reasoner reads an image: its tiles' outputs averaged. Loss: presence BCE + severity L1 (present
// types) + blur-kind CE + airlight L1, on each sample's (averaged) outputs. AdamW, linear warm-up
// then cosine decay.
#include <torch/torch.h>

#include <optional>
#include <cmath>
#include <filesystem>

#include "reason/diagnet_model.hpp"
#include "reason/diagnet_weights.hpp"
#include "reason/evidence.hpp"
#include "rirf/degrade.hpp"
#include "rirf/error.hpp"
#include "rirf/file_io.hpp"
#include "rirf/train.hpp"
#include "train/camera_samples.hpp"
#include "train/photo_pool.hpp"
#include "train/prefetcher.hpp"
#include "train/progress.hpp"
#include "train/quantise.hpp"
#include "train/run_setup.hpp"
#include "train/training_loop.hpp"

namespace rirf {
namespace {
namespace fs = std::filesystem;
using train::fmt;

// images and evidence: one row per tile; the labels: one row per sample. A crop is one tile; a
// whole image is several, and owner names each tile's sample.
struct Batch {
  torch::Tensor images, evidence, owner, tiles_per_sample;
  torch::Tensor presence, severity, severity_mask, blur_kind, airlight, airlight_mask;

  Batch to(const at::Device& device) const {
    return {images.to(device),        evidence.to(device),  owner.to(device),    tiles_per_sample.to(device),
            presence.to(device),      severity.to(device),  severity_mask.to(device), blur_kind.to(device),
            airlight.to(device),      airlight_mask.to(device)};
  }
};

// The network's outputs per sample, [samples, outputs], from its outputs per tile: the mean of
// each sample's tiles, as the reasoner averages an image's tiles (tile_outputs).
torch::Tensor per_sample(const torch::Tensor& out, const Batch& b) {
  const std::int64_t samples = b.presence.size(0);
  if (out.size(0) == samples) return out;  // every sample has at least one tile, so here exactly one
  return torch::zeros({samples, out.size(1)}, out.options()).index_add(0, b.owner, out) /
         b.tiles_per_sample.unsqueeze(1);
}

// A camera's ordinary processing, which must not count as damage: mild JPEG or slight softness.
at::Tensor camera_realism(const at::Tensor& x, Rng& rng) {
  DegradationPlan plan;
  if (rng.bernoulli(0.3)) {
    DegradationStep step{DegradationType::jpeg, JpegFactors{static_cast<int>(rng.integer(92, 98))}, 0};
    plan.steps.push_back(step);
  }
  if (rng.bernoulli(0.2)) {
    BlurFactors soft;
    soft.extent_px = rng.uniform(0.3, 0.6);  // severity < 7: well below the sampled minimum of 10
    plan.steps.insert(plan.steps.begin(), DegradationStep{DegradationType::blur, soft, rng.fork()});
  }
  return plan.steps.empty() ? x : apply(x, plan);
}

// The labelled batch of `degraded` images (each made by its plan; quantised here like a file),
// each read on its diagnosis tiles of `tile` px: a crop of that size is one tile.
Batch make_batch(const std::vector<at::Tensor>& degraded_images, const std::vector<DegradationPlan>& plans,
                 std::int64_t tile) {
  const auto n = static_cast<std::int64_t>(degraded_images.size());
  Batch b;
  std::vector<at::Tensor> degraded;
  std::vector<std::int64_t> owner;
  b.tiles_per_sample = torch::zeros({n});
  b.presence = torch::zeros({n, kNumDegradationTypes});
  b.severity = torch::zeros({n, kNumDegradationTypes});
  b.severity_mask = torch::zeros({n, kNumDegradationTypes});
  b.blur_kind = torch::full({n}, -100, torch::kLong);  // ignore_index where there is no blur
  b.airlight = torch::zeros({n, 3});
  b.airlight_mask = torch::zeros({n, 1});
  for (std::int64_t i = 0; i < n; ++i) {
    const at::Tensor tiles = diagnosis_crops(train::quantise(degraded_images[i]), tile);
    check(tiles.size(2) == tile && tiles.size(3) == tile, "train: a sample is smaller than the crop size");
    degraded.push_back(tiles);
    owner.insert(owner.end(), static_cast<std::size_t>(tiles.size(0)), i);
    b.tiles_per_sample[i] = static_cast<double>(tiles.size(0));
    for (const auto& step : plans[i].steps) {
      const int t = static_cast<int>(step.type);
      b.presence[i][t] = 1.0;
      b.severity[i][t] = step.severity() / 100.0;
      b.severity_mask[i][t] = 1.0;
      if (step.type == DegradationType::blur)
        b.blur_kind[i] = static_cast<std::int64_t>(std::get<BlurFactors>(step.factors).kind);
      if (step.type == DegradationType::haze) {
        const auto& a = std::get<HazeFactors>(step.factors).airlight;
        b.airlight[i] = torch::tensor({a[0], a[1], a[2]});
        b.airlight_mask[i][0] = 1.0;
      }
    }
  }
  b.images = torch::cat(degraded, 0).contiguous();
  b.owner = torch::tensor(owner, torch::kLong);
  torch::NoGradGuard no_grad;
  b.evidence = evidence::evidence_vector(b.images);  // measured here, in the data thread
  return b;
}

torch::Tensor loss_of(const torch::Tensor& tile_out, const Batch& b) {
  const auto out = per_sample(tile_out, b);
  const auto presence = out.slice(1, kPresenceOffset, kPresenceOffset + 6);
  const auto severity = torch::sigmoid(out.slice(1, kSeverityOffset, kSeverityOffset + 6));
  const auto kind = out.slice(1, kBlurKindOffset, kBlurKindOffset + 3);
  const auto airlight = torch::sigmoid(out.slice(1, kAirlightOffset, kAirlightOffset + 3));
  torch::Tensor loss = torch::binary_cross_entropy_with_logits(presence, b.presence);
  loss = loss + 4.0 * ((severity - b.severity).abs() * b.severity_mask).sum() / b.severity_mask.sum().clamp_min(1.0);
  if ((b.blur_kind >= 0).any().item<bool>())
    loss = loss + 0.2 * torch::nn::functional::cross_entropy(
                            kind, b.blur_kind, torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-100));
  loss = loss + ((airlight - b.airlight).abs() * b.airlight_mask).sum() / (3.0 * b.airlight_mask.sum().clamp_min(1.0));
  return loss;
}

struct Validation {
  double presence_accuracy = 0, macro_f1 = 0, severity_mae = 0, clean_right = 0;
  double score() const { return macro_f1 - severity_mae / 100.0; }
};

Validation validate_on(DiagNet& net, const Batch& val) {
  torch::NoGradGuard no_grad;
  net->eval();
  const at::Device device = net->parameters().front().device();  // the samples stay on the CPU
  std::vector<torch::Tensor> outs;
  for (std::int64_t i = 0; i < val.images.size(0); i += 32) {
    const std::int64_t end = std::min<std::int64_t>(i + 32, val.images.size(0));
    outs.push_back(net->forward(val.images.slice(0, i, end).to(device), val.evidence.slice(0, i, end).to(device)).cpu());
  }
  net->train();
  const auto out = per_sample(torch::cat(outs, 0), val);
  const auto predicted = (out.slice(1, kPresenceOffset, kPresenceOffset + 6) > 0).to(torch::kFloat);
  Validation v;
  v.presence_accuracy = (predicted == val.presence).to(torch::kFloat).mean().item<double>();
  double f1 = 0;
  for (int t = 0; t < kNumDegradationTypes; ++t) {
    const auto p = predicted.select(1, t), y = val.presence.select(1, t);
    const double tp = (p * y).sum().item<double>(), fp = (p * (1 - y)).sum().item<double>();
    const double fn = ((1 - p) * y).sum().item<double>();
    f1 += tp == 0 ? 0.0 : 2 * tp / (2 * tp + fp + fn);
  }
  v.macro_f1 = f1 / kNumDegradationTypes;
  const auto severity = torch::sigmoid(out.slice(1, kSeverityOffset, kSeverityOffset + 6));
  v.severity_mae = 100.0 * ((severity - val.severity).abs() * val.severity_mask).sum().item<double>() /
                   std::max(1.0, val.severity_mask.sum().item<double>());
  const auto clean = val.presence.sum(1) == 0;
  const auto called_clean = predicted.sum(1) == 0;
  v.clean_right = (clean & called_clean).sum().item<double>() / std::max(1.0, clean.sum().item<double>());
  return v;
}

// The fixed validation set: centre crops of the validation photos, each clean, with every single
// type, and with two composites; seeds fixed, so scores compare across runs.
Batch make_validation(const PhotoPool& pool, std::int64_t crop) {
  std::vector<at::Tensor> clean;
  std::vector<DegradationPlan> plans;
  std::uint64_t index = 0;
  for (std::size_t i = 0; i < pool.size(); ++i) {
    const at::Tensor x = pool.center_crop(i, crop);
    clean.push_back(x);
    plans.emplace_back();
    for (auto type : all_degradation_types()) {
      Rng rng(derive_seed(0xA11DA7E, index++));
      clean.push_back(x);
      plans.push_back({{make_step(type, rng.uniform(10, 90), rng)}});
    }
    for (int k = 0; k < 2; ++k) {
      Rng rng(derive_seed(0xA11DA7E, index++));
      SampleOptions composite;
      composite.min_count = 2;
      clean.push_back(x);
      plans.push_back(sample_plan(composite, rng));
    }
  }
  std::vector<at::Tensor> degraded;
  for (std::size_t i = 0; i < clean.size(); ++i) degraded.push_back(apply(clean[i], plans[i]));
  return make_batch(degraded, plans, crop);
}

// One training batch: crops (some shot by the camera renderer, some whole pictures read on their
// tiles), each degraded by a plan drawn with `sampling`.
Batch draw_batch(const PhotoPool& pool, const ReasonerTrainOptions& options, const SampleOptions& sampling, Rng& r) {
  std::vector<at::Tensor> degraded;
  std::vector<DegradationPlan> plans;
  for (int i = 0; i < options.batch; ++i) {
    if (options.whole_image_probability > 0 && r.bernoulli(options.whole_image_probability)) {
      // A picture degraded whole (the haze's depth over all of it, as on a user's photo),
      // read on its nine tiles.
      const CropRegion region = pool.random_region(r, options.crop, options.whole_image_max);
      plans.push_back(sample_plan(sampling, r));
      degraded.push_back(apply(camera_realism(region.pixels, r), plans.back()));
      continue;
    }
    if (options.camera_probability > 0 && r.bernoulli(options.camera_probability)) {
      CameraSample shot = camera_sample(pool.random_crop(r, options.crop, options.zoom_out), sampling, r);
      degraded.push_back(shot.image);
      plans.push_back(std::move(shot.truth));
      continue;
    }
    const at::Tensor clean = camera_realism(pool.random_crop(r, options.crop, options.zoom_out), r);
    plans.push_back(sample_plan(sampling, r));
    if (needs_region(plans.back()) && options.haze_context > options.crop && options.zoom_out == 1.0) {
      CropRegion region = pool.random_region(r, options.crop, options.haze_context);
      region.pixels = camera_realism(region.pixels, r);
      degraded.push_back(degrade_in_region(region, plans.back()));
    } else {
      degraded.push_back(apply(clean, plans.back()));
    }
  }
  return make_batch(degraded, plans, options.crop);
}

}  // namespace

void ReasonerTrainOptions::validate() const {
  validate_run();
  check_option(clean_probability >= 0 && clean_probability <= 1, "clean_probability", "must be in [0, 1]");
  check_option(zoom_out >= 1 && zoom_out <= 8, "zoom_out", "must be in [1, 8]");
  check_option(haze_context >= 0 && haze_context <= 8192, "haze_context", "must be in [0, 8192] px");
  check_option(camera_probability >= 0 && camera_probability <= 1, "camera_probability", "must be in [0, 1]");
  check_option(whole_image_probability >= 0 && whole_image_probability <= 1, "whole_image_probability", "must be in [0, 1]");
  check_option(whole_image_probability == 0 || (whole_image_max >= crop && whole_image_max <= 8192 && whole_image_max % 8 == 0),
               "whole_image_max", "must be a multiple of 8 in [the crop size, 8192] px");
  validate_type_weights(type_weights);
}

void train_reasoner(const ReasonerTrainOptions& options, const std::function<void(const std::string&)>& log) {
  options.validate();
  const fs::path out(options.out_dir);
  const at::Device device = train::begin_run(options);
  torch::manual_seed(static_cast<std::uint64_t>(options.seed));  // initial weights

  // Bad data or initial weights fail before anything is written, on every rank before it joins
  // the others. Only rank 0 validates, logs and writes the run folder.
  const PhotoPool pool(options.data_dirs, options.crop, options.exclude);
  const bool main_rank = options.distributed.rank == 0;
  DiagNet net;
  const bool initialise = main_rank && !options.init.empty() && !options.resume;  // a resumed run has its own weights
  std::string fresh;
  if (initialise)
    for (const auto& name : init_diagnet_weights(net, options.init)) fresh += " " + name;
  net->to(device);
  std::optional<Batch> val;
  if (main_rank && !options.val_dir.empty()) val = make_validation(PhotoPool({options.val_dir}, 256), 256);

  train::DataParallel ranks(options.distributed, log);
  const auto log_main = train::main_rank_log(ranks, log);
  train::open_run(ranks, options.distributed, options.out_dir, log);
  log_main(fmt("training photos: %zu; training on %s", pool.size(), device.str().c_str()));
  if (initialise)
    log("initialised from " + options.init + (fresh.empty() ? "" : "; new parameters:" + fresh));
  if (val) log(fmt("validation samples: %lld (256 px centre crops)", static_cast<long long>(val->images.size(0))));

  torch::optim::AdamW optimizer(net->parameters(), torch::optim::AdamWOptions(options.lr).weight_decay(options.weight_decay));
  int step = 0;
  Rng rng(ranks.data_seed(options.seed));
  double best = -1e9;
  if (options.resume) {
    if (main_rank) load_diagnet_weights(net, (out / "checkpoint.safetensors").string());
    const auto state = train::resume_state(ranks, options.out_dir, optimizer);
    step = state.at("step").get<int>();
    rng = Rng(ranks.data_seed(state.at("rng").get<std::uint64_t>()));
    best = state.value("best_score", -1e9);
    log_main(fmt("resumed at step %d", step));
  }
  ranks.broadcast(net->parameters());  // every rank starts from rank 0's weights
  nlohmann::json config = options.to_json();
  config["model"] = "DiagNet";
  config["parameters"] = 0;
  for (const auto& p : net->parameters()) config["parameters"] = config["parameters"].get<std::int64_t>() + p.numel();
  if (main_rank) write_file_atomic((out / "config.json").string(), config.dump(2) + "\n");

  const auto save_checkpoint = [&](int step) {
    ranks.check_identical(net->parameters());
    if (!main_rank) return;
    save_diagnet_weights(net, (out / "checkpoint.safetensors").string(), {{"step", std::to_string(step)}});
    torch::save(optimizer, (out / "optimizer.pt").string());
    write_file_atomic((out / "state.json").string(),
                      nlohmann::json({{"step", step}, {"rng", rng.state()}, {"best_score", best}}).dump(2) + "\n");
  };

  SampleOptions sampling;
  sampling.clean_probability = options.clean_probability;
  sampling.type_weights = options.type_weights;
  train::Prefetcher<Batch> batches(
      [&](Rng& r) { return draw_batch(pool, options, sampling, r); }, options.compute.data_workers,
      derive_seed(rng.state(), static_cast<std::uint64_t>(step)));  // a resumed run draws anew

  train::Recipe recipe;
  recipe.step = [&](int step, train::ProgressLine& progress) {
    const Batch batch = batches.next(rng).to(device);
    optimizer.zero_grad();
    const auto loss = loss_of(net->forward(batch.images, batch.evidence), batch);
    train::apply_gradients(loss, *net, ranks, optimizer);
    progress.add(loss.item<double>(), step);
  };
  if (val)
    recipe.validate = [&](int step) {
      const Validation v = validate_on(net, *val);
      log(fmt("validation at step %d: presence accuracy %.3f, macro-F1 %.3f, clean called clean %.1f%%, "
              "severity MAE %.2f",
              step, v.presence_accuracy, v.macro_f1, 100 * v.clean_right, v.severity_mae));
      if (v.score() > best) {
        best = v.score();
        save_diagnet_weights(net, (out / "best.safetensors").string(),
                             {{"step", std::to_string(step)}, {"val_macro_f1", std::to_string(v.macro_f1)},
                              {"val_severity_mae", std::to_string(v.severity_mae)}});
      }
    };
  recipe.checkpoint = save_checkpoint;
  net->train();
  step = train::run_training_loop(options, step, optimizer, ranks, log_main, recipe);
  if (!main_rank) return;
  save_diagnet_weights(net, (out / "reasoner.safetensors").string(), {{"step", std::to_string(step)}});
  log("wrote " + (out / "reasoner.safetensors").string());
}

}  // namespace rirf
