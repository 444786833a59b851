// `rirf train restorer`: RestorerNet on the engine's on-the-fly (degraded, clean, plan) triples.
// Each sample: a random crop of a clean photo, a sampled plan (some clean: those must come back
// unchanged), quantised to 8 bits like a real file. The condition is the frozen reasoner's
// *predicted* diagnosis, computed as at inference (of the degraded region the crop is cut from,
// --condition-view), so the restorer learns to use an imperfect diagnosis. Some samples ask to
// keep some present types: their target still has those degradations (the plan applied without
// the others), and the condition flags them.
// Loss: L1 or PSNR. AdamW (NAFNet's betas 0.9, 0.9), warm-up then cosine, EMA of the weights.
#include <torch/torch.h>

#include <filesystem>
#include <optional>

#include "reason/diagnet_model.hpp"
#include "reason/diagnet_weights.hpp"
#include "restore/condition.hpp"
#include "restore/restorer_weights.hpp"
#include "rirf/diagnet.hpp"
#include "rirf/error.hpp"
#include "rirf/file_io.hpp"
#include "rirf/metrics.hpp"
#include "rirf/train.hpp"
#include "train/ema.hpp"
#include "train/photo_pool.hpp"
#include "train/prefetcher.hpp"
#include "train/progress.hpp"
#include "train/restoration_pairs.hpp"
#include "train/restorer_run.hpp"
#include "train/run_setup.hpp"
#include "train/training_loop.hpp"

namespace rirf {
namespace {
namespace fs = std::filesystem;
using train::fmt;
using train::ConditionedPairs;
using train::Pairs;

RestorerNetOptions network_options(const RestorerTrainOptions& options) {
  RestorerNetOptions o;
  o.width = options.width;
  o.conditioned = !options.blind;
  if (!options.encoder_blocks.empty()) o.encoder_blocks = options.encoder_blocks;
  if (!options.decoder_blocks.empty()) o.decoder_blocks = options.decoder_blocks;
  if (options.middle_blocks >= 0) o.middle_blocks = options.middle_blocks;
  return o;
}

}  // namespace

void RestorerTrainOptions::validate() const {
  validate_run();
  check_option(blind || !reasoner.empty(), "reasoner", "not given (the blind twin alone trains without one)");
  check_option(width >= 4 && width <= 256, "width", "must be in [4, 256]");
  network_options(*this).validate();
  check_option(val_crop >= 32 && val_crop % 8 == 0, "val_crop", "must be a multiple of 8, at least 32");
  check_option(ema_decay >= 0 && ema_decay < 1, "ema_decay", "must be in [0, 1)");
  validate_sampling();
  check_option(keep_probability >= 0 && keep_probability <= 1, "keep_probability", "must be in [0, 1]");
  check_option(train::is_restoration_loss(loss), "loss", "must be l1, psnr or psnr-fft, got '" + loss + "'");
  check_option(false_call_probability >= 0 && false_call_probability <= 1, "false_call_probability", "must be in [0, 1]");
  check_option(!blind || false_call_probability == 0, "false_call_probability", "needs a condition; the blind twin has none");
}

void train_restorer(const RestorerTrainOptions& options, const std::function<void(const std::string&)>& log) {
  options.validate();
  const fs::path out(options.out_dir);
  const at::Device device = train::begin_run(options);
  torch::manual_seed(static_cast<std::uint64_t>(options.seed));  // initial weights

  // Bad data, validation photos or weights fail before anything is written, on every rank
  // before it joins the others. Only rank 0 validates, logs and writes the run folder.
  const PhotoPool pool(options.data_dirs, options.crop, options.exclude);
  DiagNet reasoner;
  if (!options.blind) load_diagnet_weights(reasoner, options.reasoner);
  reasoner->eval();
  const RestorerNetOptions net_options = network_options(options);
  RestorerNet net(net_options), ema(net_options);
  const bool main_rank = options.distributed.rank == 0;
  // An --init network has the shape this run builds, or a narrower or shallower one that grows into it.
  if (main_rank && !options.init.empty() && !options.resume) {
    const train::Growth grown = train::load_restorer_into(net, options.init, true, options.seed);
    if (grown.from_width < net_options.width)
      log(fmt("widened from %s: width %d -> %d, each channel copied, the same function", options.init.c_str(),
              grown.from_width, net_options.width));
    if (grown.blocks_added > 0)
      log(fmt("grown from %s: %d blocks added as the identity", options.init.c_str(), grown.blocks_added));
  }
  net->to(device);
  ema->to(device);
  std::optional<Pairs> val;
  if (main_rank && !options.val_dir.empty())
    val = train::make_validation(PhotoPool({options.val_dir}, options.val_crop), options.val_crop);

  train::DataParallel ranks(options.distributed, log);
  const auto log_main = train::main_rank_log(ranks, log);
  train::open_run(ranks, options.distributed, options.out_dir, log);
  log_main(fmt("training photos: %zu; training on %s", pool.size(), device.str().c_str()));
  if (val)
    log(fmt("validation samples: %lld (%lld px centre crops)", static_cast<long long>(val->degraded.size(0)),
            static_cast<long long>(options.val_crop)));

  torch::optim::AdamW optimizer(net->parameters(),
                                torch::optim::AdamWOptions(options.lr).weight_decay(options.weight_decay).betas({0.9, 0.9}));
  Rng rng(ranks.data_seed(options.seed));
  int step = train::start_restorer_run(ranks, options.out_dir, options.resume, net, ema, optimizer, rng, log_main);
  nlohmann::json config = options.to_json();
  config["model"] = net_options.to_json();
  std::int64_t parameters = 0;
  for (const auto& p : net->parameters()) parameters += p.numel();
  config["parameters"] = parameters;
  if (main_rank) write_file_atomic((out / "config.json").string(), config.dump(2) + "\n");
  log_main(fmt("RestorerNet%s: %.2fM parameters, %.1f kMAC per pixel", options.blind ? " (blind twin)" : "",
          parameters / 1e6, net->macs_per_pixel() / 1e3));

  train::ValidationConditions val_conditions;
  if (val && !options.blind) val_conditions = train::inference_conditions(*load_diagnet_reasoner(options.reasoner), *val);

  train::PairSampling sampling = train::pair_sampling(options);
  sampling.keep_probability = options.keep_probability;
  sampling.false_call_probability = options.false_call_probability;
  train::Prefetcher<ConditionedPairs> batches(
      [&](Rng& r) {
        return train::draw_conditioned_pairs(pool, r, options.batch, options.crop, sampling,
                                             options.blind ? nullptr : reasoner.get());
      },
      options.compute.data_workers, derive_seed(rng.state(), static_cast<std::uint64_t>(step)));  // a resumed run draws anew

  train::Recipe recipe;
  recipe.step = [&](int step, train::ProgressLine& progress) {
    const ConditionedPairs batch = batches.next(rng);
    const at::Tensor degraded = batch.pairs.degraded.to(device).contiguous(at::MemoryFormat::ChannelsLast);
    const at::Tensor target = batch.pairs.target.to(device);
    const at::Tensor condition = batch.condition.defined() ? batch.condition.to(device) : at::Tensor();
    optimizer.zero_grad();
    const at::Tensor restored = net->forward(degraded, condition);
    const at::Tensor loss = train::restoration_loss(restored, target, options.loss);
    train::apply_gradients(loss, *net, ranks, optimizer);
    train::update_ema(*ema, *net, options.ema_decay);
    progress.add(loss.item<double>(), step);
  };
  if (val)
    recipe.validate = [&](int step) {
      log(fmt("validation at step %d (EMA weights), PSNR dB:", step) +
          train::score_restorer(*ema, *val, val_conditions).describe());
    };
  recipe.checkpoint = [&](int step) {
    train::save_restorer_checkpoint(ranks, options.out_dir, step, rng, net, ema, optimizer);
  };
  net->train();
  step = train::run_training_loop(options, step, optimizer, ranks, log_main, recipe);
  if (!main_rank) return;
  save_restorer_net(ema, (out / "restorer.safetensors").string(), {{"step", std::to_string(step)}});
  log("wrote " + (out / "restorer.safetensors").string());
}

}  // namespace rirf
