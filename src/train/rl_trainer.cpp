// `rirf train rl`: severity-reward reinforcement learning of a supervised RestorerNet, GRPO style.
//
// Each step: B degraded crops (the engine's pairs, as in supervised training), conditioned on the
// frozen reasoner's predicted diagnosis. The policy is a Gaussian around the restorer's output in
// a random subspace of DCT atoms, or (`--explore film`) around the FiLM modulations its
// condition makes, the body then run with each sample (train/grpo.hpp); G samples per input are
// scored by
//   reward = -(residual severity summed over the six types, by the frozen reasoner) / 100
//            + fidelity * PSNR(sample, ground truth) / 10,
// the rewards are normalised within each group into advantages, and the restorer is updated
// `epochs` times on the clipped surrogate + kl * KL(policy || supervised reference) + supervised
// * (L1 or PSNR loss to the truth), the last so that the restorer cannot forget what it was taught.
#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "reason/diagnet_model.hpp"
#include "reason/diagnet_weights.hpp"
#include "restore/restorer_weights.hpp"
#include "rirf/diagnet.hpp"
#include "rirf/error.hpp"
#include "rirf/file_io.hpp"
#include "rirf/metrics.hpp"
#include "rirf/train.hpp"
#include "train/ema.hpp"
#include "train/grpo.hpp"
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

// Per-image PSNR in dB of x against y, both [N, C, H, W] in [0, 1]: [N].
at::Tensor psnr_per_image(const at::Tensor& x, const at::Tensor& y) {
  return -10.0 * torch::log10((x - y).pow(2).mean({1, 2, 3}) + 1e-10);
}

// Indices of the inputs to explore: those degraded by one of `types`, or all when none is set.
at::Tensor explored_inputs(const train::Pairs& pairs, const KeepMask& types) {
  const bool all = std::none_of(types.begin(), types.end(), [](bool t) { return t; });
  std::vector<std::int64_t> chosen;
  for (std::size_t i = 0; i < pairs.present.size(); ++i)
    for (int t = 0; t < kNumDegradationTypes; ++t)
      if (all || (types[t] && pairs.present[i][t])) {
        chosen.push_back(static_cast<std::int64_t>(i));
        break;
      }
  return torch::tensor(chosen, torch::kLong);
}

}  // namespace

void RlTrainOptions::validate() const {
  validate_run();
  check_option(!restorer.empty(), "restorer", "not given (the supervised weights to start from)");
  check_option(!reasoner.empty(), "reasoner", "not given (the judge that gives the reward)");
  check_option(group >= 2 && group <= 64, "group", "must be in [2, 64] (advantages compare samples of a group)");
  check_option(explore == "output" || explore == "film", "explore", "must be output or film, got '" + explore + "'");
  check_option(!mirrored || (explore == "film" && group % 2 == 0), "mirrored", "needs explore film and an even group");
  for (const auto& name : explore_on) type_from_name(name);  // an unknown type names the valid ones
  check_option(atoms >= 1 && atoms <= crop * crop, "atoms", "must be in [1, crop x crop]");
  check_option(sigma > 0 && sigma <= 0.5, "sigma", "must be in (0, 0.5]");
  check_option(epochs >= 1 && epochs <= 16, "epochs", "must be in [1, 16]");
  check_option(clip > 0 && clip < 1, "clip", "must be in (0, 1)");
  check_option(kl >= 0, "kl", "must be >= 0");
  check_option(supervised >= 0, "supervised", "must be >= 0");
  check_option(fidelity >= 0, "fidelity", "must be >= 0");
  check_option(min_spread >= 0, "min_spread", "must be >= 0");
  check_option(ema_decay >= 0 && ema_decay < 1, "ema_decay", "must be in [0, 1)");
  check_option(val_crop >= 32 && val_crop % 8 == 0, "val_crop", "must be a multiple of 8, at least 32");
  validate_sampling();
  check_option(train::is_restoration_loss(loss), "loss", "must be l1, psnr or psnr-fft, got '" + loss + "'");
}

void train_rl(const RlTrainOptions& options, const std::function<void(const std::string&)>& log) {
  options.validate();
  const fs::path out(options.out_dir);
  const at::Device device = train::begin_run(options);

  // Bad data or weights fail before anything is written, on every rank before it joins.
  const PhotoPool pool(options.data_dirs, options.crop, options.exclude);
  DiagNet reasoner;
  load_diagnet_weights(reasoner, options.reasoner);
  reasoner->eval();
  RestorerNet reference = load_restorer_net(options.restorer);
  check(reference->options().conditioned,
        "train rl: '" + options.restorer + "' is a blind twin; the RL stage fine-tunes the conditioned restorer");
  reference->eval();
  const RestorerNetOptions net_options = reference->options();
  RestorerNet net(net_options), ema(net_options);
  train::copy_parameters(*net, *reference);
  // The restorers train on the device; the reasoner stays on the CPU, where the data workers
  // condition their batches with it and where its evidence is measured anyway.
  reference->to(device);
  net->to(device);
  ema->to(device);
  const bool main_rank = options.distributed.rank == 0;
  std::optional<train::Pairs> val;
  if (main_rank && !options.val_dir.empty())
    val = train::make_validation(PhotoPool({options.val_dir}, options.val_crop), options.val_crop);

  train::DataParallel ranks(options.distributed, log);
  const auto log_main = train::main_rank_log(ranks, log);
  train::open_run(ranks, options.distributed, options.out_dir, log);
  const bool film = options.explore == "film";
  KeepMask explore_types{};
  for (const auto& name : options.explore_on) explore_types[static_cast<int>(type_from_name(name))] = true;
  if (!options.explore_on.empty()) {
    std::string types;
    for (const auto& name : options.explore_on) types += (types.empty() ? "" : ", ") + name;
    log_main("exploring only inputs degraded by: " + types);
  }
  log_main(film ? fmt("training photos: %zu; policy: %d samples per input around the %lld FiLM modulations%s, sigma %.3g",
                      pool.size(), options.group, static_cast<long long>(net->modulation_width()),
                      options.mirrored ? " (mirrored pairs)" : "", options.sigma)
                : fmt("training photos: %zu; policy: %d samples per input, %d DCT atoms x 3 channels, sigma %.3g",
                      pool.size(), options.group, options.atoms, options.sigma));

  torch::optim::AdamW optimizer(net->parameters(),
                                torch::optim::AdamWOptions(options.lr).weight_decay(options.weight_decay).betas({0.9, 0.9}));
  Rng rng(ranks.data_seed(options.seed));
  int step = train::start_restorer_run(ranks, options.out_dir, options.resume, net, ema, optimizer, rng, log_main);
  if (main_rank) {
    nlohmann::json config = options.to_json();
    config["model"] = net_options.to_json();
    write_file_atomic((out / "config.json").string(), config.dump(2) + "\n");
  }

  train::ValidationConditions val_condition;
  if (val) val_condition = train::inference_conditions(*load_diagnet_reasoner(options.reasoner), *val);
  const auto validate_now = [&](int step, RestorerNet& model, const std::string& which) {
    log(fmt("validation at step %d (%s), PSNR dB:", step, which.c_str()) +
        train::score_restorer(*model, *val, val_condition, reasoner.get()).describe());
  };
  if (val && step == 0) validate_now(step, reference, "supervised reference");

  const train::PairSampling sampling = train::pair_sampling(options);
  train::Prefetcher<train::ConditionedPairs> batches(
      [&](Rng& r) {
        return train::draw_conditioned_pairs(pool, r, options.batch, options.crop, sampling, reasoner.get());
      },
      options.compute.data_workers, derive_seed(rng.state(), static_cast<std::uint64_t>(step)));
  double sum_reward = 0, sum_spread = 0, sum_kl = 0, sum_severity = 0, sum_supervised = 0;
  int logged = 0, explored_steps = 0;  // steps since the last log line, and those that explored

  train::Recipe recipe;
  recipe.step = [&](int, train::ProgressLine&) {  // its tallies are the sums above, not a mean loss
    const train::ConditionedPairs batch = batches.next(rng);
    const at::Tensor condition = batch.condition.to(device);
    const at::Tensor x = batch.pairs.degraded.to(device).contiguous(at::MemoryFormat::ChannelsLast);
    const at::Tensor target = batch.pairs.target.to(device);
    const at::Tensor chosen = explored_inputs(batch.pairs, explore_types).to(device);
    const bool exploring = chosen.numel() > 0;
    // The policy's mean: the restored crops, or the modulations (film).
    const auto policy_mean = [&](RestorerNet& model) {
      return film ? model->modulations(condition) : model->forward(x, condition);
    };
    at::Tensor reference_mean, mean_old;
    {
      torch::NoGradGuard no_grad;
      reference_mean = policy_mean(reference).index_select(0, chosen);
      mean_old = policy_mean(net).index_select(0, chosen);
    }
    const auto b = chosen.numel(), g = static_cast<std::int64_t>(options.group);
    train::Exploration e;
    train::VectorExploration ev;
    at::Tensor severity, rewards, advantages;
    if (exploring) {
      at::Tensor samples;  // [b * G, 3, crop, crop]
      if (film) {
        ev = train::explore_vector(mean_old, options.group, options.sigma, rng, options.mirrored);
        torch::NoGradGuard no_grad;
        const at::Tensor inputs =
            x.index_select(0, chosen).repeat_interleave(g, 0).contiguous(at::MemoryFormat::ChannelsLast);
        samples = net->forward_modulated(inputs, ev.samples.reshape({b * g, -1})).clamp(0, 1);
      } else {
        e = train::explore(mean_old, options.group, options.atoms, options.sigma, rng);
        samples = e.samples.reshape({b * g, 3, options.crop, options.crop}).clamp(0, 1);
      }
      // Rewards of every sample: what the frozen reasoner still sees, and closeness to the truth.
      severity = train::residual_severity(*reasoner, samples.to(at::kCPU)).to(device).reshape({b, g});
      const at::Tensor truth = target.index_select(0, chosen)
                                   .unsqueeze(1)
                                   .expand({b, g, 3, options.crop, options.crop})
                                   .reshape(samples.sizes());
      rewards = -severity / 100.0 + options.fidelity * psnr_per_image(samples, truth).reshape({b, g}) / 10.0;
      advantages = train::group_advantages(rewards, options.min_spread);
    }

    double kl_value = 0, supervised_value = 0;
    for (int epoch = 0; epoch < options.epochs; ++epoch) {
      optimizer.zero_grad();
      const at::Tensor mean = policy_mean(net);
      // Inputs that are not explored (--explore-on) learn from the supervised loss alone.
      at::Tensor policy = torch::zeros({}, mean.options()), kl = torch::zeros({}, mean.options());
      if (exploring) {
        const at::Tensor explored = mean.index_select(0, chosen);
        policy = film ? train::clipped_policy_loss(train::vector_log_prob(explored, ev.samples, options.sigma),
                                                   ev.old_log_prob, advantages, options.clip)
                      : train::clipped_policy_loss(train::log_prob(explored, e, options.sigma), e.old_log_prob,
                                                   advantages, options.clip);
        kl = film ? train::vector_kl(explored, reference_mean, options.sigma)
                  : train::policy_kl(explored, reference_mean, e.atoms, options.sigma);
      }
      const at::Tensor restored = film ? net->forward_modulated(x, mean) : mean;
      const at::Tensor supervised = train::restoration_loss(restored, target, options.loss);
      train::apply_gradients(policy + options.kl * kl + options.supervised * supervised, *net, ranks, optimizer);
      kl_value = kl.item<double>();
      supervised_value = supervised.item<double>();
    }
    train::update_ema(*ema, *net, options.ema_decay);
    if (exploring) {
      sum_reward += rewards.mean().item<double>();
      sum_spread += (rewards - rewards.mean(1, true)).pow(2).mean(1).sqrt().mean().item<double>();
      sum_severity += severity.mean().item<double>();
      sum_kl += kl_value;
      ++explored_steps;
    }
    sum_supervised += supervised_value;
    ++logged;
  };
  // The RL line reports the rewards and the KL beside the supervised loss.
  recipe.progress_line = [&](int step, double lr, train::ProgressLine& progress) {
    const double explored = std::max(explored_steps, 1);
    const std::string line =
        fmt("step %d/%d  reward %.3f  spread %.4f  residual severity %.1f  KL %.4f  %s %.4f  lr %.2e  ", step,
            options.steps, sum_reward / explored, sum_spread / explored, sum_severity / explored, sum_kl / explored,
            options.loss.c_str(), sum_supervised / logged, lr) +
        (explored_steps < logged ? fmt("explored %d of %d steps  ", explored_steps, logged) : std::string()) +
        progress.rate(step, options.steps);
    sum_reward = sum_spread = sum_kl = sum_severity = sum_supervised = 0;
    logged = explored_steps = 0;
    return line;
  };
  if (val) recipe.validate = [&](int step) { validate_now(step, ema, "EMA weights"); };
  recipe.checkpoint = [&](int step) {
    train::save_restorer_checkpoint(ranks, options.out_dir, step, rng, net, ema, optimizer, {{"stage", "rl"}});
  };
  net->train();
  step = train::run_training_loop(options, step, optimizer, ranks, log_main, recipe);
  if (!main_rank) return;
  save_restorer_net(ema, (out / "rl.safetensors").string(), {{"step", std::to_string(step)}, {"stage", "rl"}});
  log("wrote " + (out / "rl.safetensors").string());
}

}  // namespace rirf
