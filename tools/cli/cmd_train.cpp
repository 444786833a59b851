// rirf train reasoner|restorer|rl --config RUN/config.json [any flag below, which overrides the file]
// rirf train reasoner --data DIR [--data DIR] --out DIR [--val DIR] [--exclude NAME] [--init FILE]
//                     [--steps --batch --crop --type-weight T=W --resume]
// rirf train restorer --data DIR [--data DIR] --out DIR (--reasoner FILE | --blind) [--val DIR]
//                     [--width --steps --batch --crop --lr --ema --init --loss --single --type-weight T=W --resume]
// rirf train rl --restorer W --reasoner W --data DIR --out DIR [--val DIR --steps --group --atoms --sigma ...]
// rirf train pack --data DIR [--data DIR] --out FILE.safetensors [--exclude NAME --max-side N --center --seed S --quality Q]
// Reasoner, restorer and rl: [--device cpu|cuda --data-workers N --minutes M]
// All: [--world-size N --rank R --master HOST:PORT --dist-timeout S] (or torchrun's/Slurm's variables)
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

#include "commands.hpp"
#include "log.hpp"
#include "rirf/degradation.hpp"
#include "rirf/error.hpp"
#include "rirf/file_io.hpp"
#include "rirf/train.hpp"

namespace rirf::cli {
namespace {

// "TYPE=W" from --type-weight into the weight of TYPE; bad text gets an error naming the flag.
void apply_type_weight(const std::string& item, std::array<double, kNumDegradationTypes>& weights) {
  const auto eq = item.find('=');
  if (eq == std::string::npos) throw Error("train: --type-weight must be TYPE=W, got '" + item + "'");
  const DegradationType type = type_from_name(item.substr(0, eq));
  std::size_t used = 0;
  double w = -1;
  try {
    w = std::stod(item.substr(eq + 1), &used);
  } catch (const std::exception&) {
  }
  if (used == 0 || used != item.size() - eq - 1 || !(w >= 0 && w <= 1000))
    throw Error("train: --type-weight " + item + ": the weight must be a number in [0, 1000]");
  weights[static_cast<int>(type)] = w;
}

// --haze-context N (the trainers' haze_context).
void add_haze_context_flag(CLI::App* cmd, std::int64_t& side) {
  cmd->add_option("--haze-context", side,
                  "make haze on a region up to this many px a side around each crop, as on a whole photo (default "
                  "512; 0: on the crop itself)")
      ->check(CLI::Range(0, 8192));
}

// --condition-view N (the restorer trainers' condition_view).
void add_condition_view_flag(CLI::App* cmd, std::int64_t& side) {
  cmd->add_option("--condition-view", side,
                  "cut each crop from a degraded region of at least N px and condition it on the reasoner's "
                  "diagnosis of the region, as rirf restore diagnoses the whole image (default 256; 0: of the crop)")
      ->check(CLI::Range(0, 2048));
}

// --type-weight TYPE=W (repeatable) into `weights`, which must outlive the parse.
void add_type_weight_flag(CLI::App* cmd, std::array<double, kNumDegradationTypes>& weights) {
  cmd->add_option_function<std::vector<std::string>>(
      "--type-weight",
      [&weights](const std::vector<std::string>& items) {
        for (const auto& item : items) apply_type_weight(item, weights);
      },
      "TYPE=W: relative chance of TYPE in the drawn plans (default 1 each); repeatable, e.g. noise=3");
}

// The restorer trainers' shared sampling flags (PairSamplingOptions), all but clean_probability,
// which keeps its default.
void add_pair_sampling_flags(CLI::App* cmd, PairSamplingOptions& sampling) {
  cmd->add_option("--single", sampling.single_probability,
                  "chance that a degraded sample has exactly one type, on top of the uniform 1-3 (default 0)");
  add_type_weight_flag(cmd, sampling.type_weights);
  add_haze_context_flag(cmd, sampling.haze_context);
  add_condition_view_flag(cmd, sampling.condition_view);
}

// --config FILE: every option from a run's config.json. CLI11 runs the options' callbacks in the
// order they were added, after parsing, and only for the options given: added first, this one
// loads the file before any other flag sets its field, so that the flags override the file.
template <class Options>
void add_config_flag(CLI::App* cmd, const std::shared_ptr<Options>& o) {
  cmd->add_option_function<std::string>(
         "--config",
         [o](const std::string& path) {
           nlohmann::json config;
           try {
             config = nlohmann::json::parse(read_file_text(path));
           } catch (const nlohmann::json::exception& e) {
             throw Error("cannot read config '" + path + "': not valid JSON (" + e.what() + ")");
           }
           try {
             *o = Options::from_json(config);
           } catch (const OptionError& e) {  // named as in the file, not as a flag
             throw Error("config '" + path + "': " + e.what());
           }
         },
         "a run's config.json: start from every option in it (e.g. to rerun or resume that run); flags given "
         "beside it override it")
      ->check(CLI::ExistingFile);
}

// --world-size/--rank/--master/--dist-timeout, each overriding what the environment says
// (torchrun's or Slurm's variables), resolved when the command runs.
struct DistributedFlags {
  std::optional<int> world_size, rank, timeout_s;
  std::optional<std::string> master;

  void add_to(CLI::App* cmd) {
    cmd->add_option("--world-size", world_size, "processes training together (default: $WORLD_SIZE, or 1)")
        ->check(CLI::Range(1, 65536));
    cmd->add_option("--rank", rank, "this process's rank in [0, world size) (default: $RANK)")->check(CLI::Range(0, 65535));
    cmd->add_option("--master", master, "HOST:PORT where rank 0 listens (default: $MASTER_ADDR:$MASTER_PORT)");
    cmd->add_option("--dist-timeout", timeout_s, "seconds before a missing or stuck rank ends the run (default 300)")
        ->check(CLI::Range(1, 86400));
  }
  DistributedOptions resolve() const {
    DistributedOptions d = distributed_from_environment([](const char* name) { return std::getenv(name); });
    if (world_size) d.world_size = *world_size;
    if (rank) d.rank = *rank;
    if (master) set_master(d, *master);
    if (timeout_s) d.timeout_s = *timeout_s;
    return d;
  }
};

// --device/--data-workers/--minutes (docs/gpu-training.md).
void add_compute_flags(CLI::App* cmd, ComputeOptions& c) {
  cmd->add_option("--device", c.device, "cpu (default) or cuda[:N] (needs a libtorch built with CUDA)");
  cmd->add_option("--data-workers", c.data_workers,
                  "threads making batches ahead of the optimiser, each with its own data stream (default 0: none)")
      ->check(CLI::Range(0, 256));
  cmd->add_option("--minutes", c.minutes, "also stop after this many minutes; the schedule follows time or steps, whichever is ahead")
      ->check(CLI::Range(0.0, 1e6));
}

// A default for a flag's help text: 2e-05, 0.001, 250.
std::string default_text(double value) {
  std::ostringstream text;
  text << value;
  return " (default " + text.str() + ")";
}

// The trainers' options fields whose flag is not "--" + the field's name (with - for _).
const std::map<std::string, std::string> kTrainFlags = {
    {"data_dirs", "--data"},       {"out_dir", "--out"},      {"camera_probability", "--camera"},
    {"whole_image_probability", "--whole-images"},            {"ema_decay", "--ema"},
    {"single_probability", "--single"},                       {"false_call_probability", "--false-calls"},
    {"clean_probability", "--clean"},                         {"timeout_s", "--dist-timeout"},
};

// The flags every trainer takes (TrainRunOptions), each with that trainer's default in its help,
// and the callback that resolves the ranks and threads, then runs `train` on the parsed options.
template <class Options>
void add_run_flags(CLI::App* cmd, const CLI::App& app, const std::shared_ptr<Options>& o,
                   void (*train)(const Options&, const std::function<void(const std::string&)>&)) {
  add_config_flag(cmd, o);
  // Required unless --config gives them; validate() names a missing one.
  cmd->add_option("--data", o->data_dirs,
                  "folder(s) of clean photos, searched recursively, or packs (`rirf train pack`) (required)");
  cmd->add_option("--out", o->out_dir, "run folder: config, checkpoints, weights (required)");
  cmd->add_option("--val", o->val_dir, "folder of clean validation photos (never training ones)");
  cmd->add_option("--exclude", o->exclude, "leave out training files with this name (no folder); repeatable");
  cmd->add_option("--steps", o->steps, "optimiser steps" + default_text(o->steps))->check(CLI::Range(1, 10'000'000));
  cmd->add_option("--batch", o->batch, "crops per step" + default_text(o->batch))->check(CLI::Range(1, 4096));
  cmd->add_option("--crop", o->crop, "crop size in px, a multiple of 8" + default_text(o->crop))->check(CLI::Range(32, 1024));
  cmd->add_option("--lr", o->lr, "peak learning rate" + default_text(o->lr))->check(CLI::Range(1e-9, 1.0));
  cmd->add_option("--seed", o->seed, "seed of the initial weights, the data and any exploration" + default_text(1));
  cmd->add_option("--val-every", o->val_every, "validate every N steps" + default_text(o->val_every))
      ->check(CLI::Range(1, 1'000'000));
  cmd->add_option("--checkpoint-every", o->checkpoint_every, "checkpoint every N steps" + default_text(o->checkpoint_every))
      ->check(CLI::Range(1, 1'000'000));
  cmd->add_flag("--resume", o->resume, "continue from the checkpoint in --out");
  add_compute_flags(cmd, o->compute);
  auto distributed = std::make_shared<DistributedFlags>();
  distributed->add_to(cmd);
  cmd->callback([o, distributed, &app, train] {
    with_flag_names(kTrainFlags, [&] {
      // The process layout is the launch's (flags or the launcher's variables), never a file's.
      o->distributed = distributed->resolve();
      // rirf's own --threads when given (otherwise the file's, or 0: all cores), so that a trainer
      // sharing a machine with other ranks splits the cores only when the user did not say how many.
      if (const CLI::Option* threads = app.get_option("--threads"); threads->count() > 0)
        o->threads = threads->as<int>();
      train(*o, [](const std::string& line) { log_line(line); });
    });
  });
}

}  // namespace

void register_train(CLI::App& app) {
  CLI::App* train = app.add_subcommand("train", "Train a network (see its subcommands)");
  train->require_subcommand(1);
  auto o = std::make_shared<ReasonerTrainOptions>();
  CLI::App* cmd = train->add_subcommand("reasoner", "Train DiagNet, the reasoner, on synthetic degradations of clean photos");
  add_run_flags(cmd, app, o, &train_reasoner);
  cmd->add_option("--init", o->init, "start from these weights (a DiagNet safetensors file; parameters it lacks start fresh)")
      ->check(CLI::ExistingFile);
  add_type_weight_flag(cmd, o->type_weights);
  add_haze_context_flag(cmd, o->haze_context);
  cmd->add_option("--clean", o->clean_probability, "share of clean samples, nothing to find (default 0.2)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--camera", o->camera_probability,
                  "share of samples shot by the camera-like renderer: noise, blur, low light and JPEG made on a raw "
                  "mosaic and developed, as a camera does (default 0)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--whole-images", o->whole_image_probability,
                  "share of samples that are a whole picture (a region of a photo up to --whole-image-max px) "
                  "degraded as one and read on its 3x3 tiles as `rirf diagnose` reads a photo (default 0)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--whole-image-max", o->whole_image_max, "largest side of those pictures in px (default 768)")
      ->check(CLI::Range(32, 8192));
  cmd->add_option("--zoom-out", o->zoom_out,
                  "cut crops from regions up to this many times larger, downscaled: more scales of the same photos "
                  "(default 1: none)")
      ->check(CLI::Range(1.0, 8.0));

  auto r = std::make_shared<RestorerTrainOptions>();
  CLI::App* rcmd = train->add_subcommand("restorer", "Train RestorerNet (or its blind twin) on synthetic degradations of clean photos");
  add_run_flags(rcmd, app, r, &train_restorer);
  rcmd->add_option("--reasoner", r->reasoner, "DiagNet weights whose predicted diagnosis conditions the restorer")
      ->check(CLI::ExistingFile);
  rcmd->add_flag("--blind", r->blind, "train the blind twin (same body, no diagnosis)");
  rcmd->add_option("--init", r->init,
                   "start from these restorer weights, with a new schedule: the same network, or one with fewer "
                   "blocks that grows into this one (the added blocks start as the identity)");
  rcmd->add_option("--loss", r->loss, "l1 (default), psnr (each sample's log MSE) or psnr-fft (psnr plus the log L1 of the error spectrum)");
  add_pair_sampling_flags(rcmd, *r);
  rcmd->add_option("--false-calls", r->false_call_probability,
                   "chance that a clean sample is conditioned on an unsure false call of noise, blur, rain or JPEG "
                   "and must come back unchanged (default 0; docs/notebook/restorer.md, \"False calls\")")
      ->check(CLI::Range(0.0, 1.0));
  rcmd->add_option("--width", r->width, "channels at full resolution (default 16)")->check(CLI::Range(4, 256));
  rcmd->add_option("--encoder-blocks", r->encoder_blocks, "blocks per level before each downsampling (default 1,1,2)")
      ->delimiter(',');
  rcmd->add_option("--middle-blocks", r->middle_blocks, "blocks at the lowest resolution (default 2)")
      ->check(CLI::Range(0, 64));
  rcmd->add_option("--decoder-blocks", r->decoder_blocks, "blocks per level after each upsampling (default 1,1,1)")
      ->delimiter(',');
  rcmd->add_option("--ema", r->ema_decay, "EMA decay of the saved weights (default 0.999)")->check(CLI::Range(0.0, 0.99999));
  rcmd->add_option("--val-crop", r->val_crop, "side of the validation centre crops in px (default 128)");

  auto p = std::make_shared<PackOptions>();
  CLI::App* pcmd = train->add_subcommand(
      "pack", "Pack clean photos into one .safetensors file that --data accepts (for a training machine without image decoders)");
  pcmd->add_option("--data", p->data_dirs, "folder(s) of clean photos, searched recursively")->required();
  pcmd->add_option("--out", p->out, "the pack, a .safetensors file")->required();
  pcmd->add_option("--exclude", p->exclude, "leave out files with this name (no folder); repeatable");
  pcmd->add_option("--max-side", p->max_side, "cut larger photos to one crop of this side, a multiple of 8 (default 320)")
      ->check(CLI::Range(32, 1 << 16));
  pcmd->add_flag("--center", p->center, "centred crops (validation photos: the trainer's own centre crops) instead of random ones");
  pcmd->add_option("--seed", p->seed, "seed of the random crops (default 1)");
  pcmd->add_option("--quality", p->quality,
                   "store each photo as a JPEG of this quality (1-100; e.g. 95 with --max-side 4096: whole photos in a tenth of the bytes); 0 (default): raw pixels")
      ->check(CLI::Range(0, 100));
  pcmd->callback([p] { with_flag_names(kTrainFlags, [&] { log_line(pack_photos(*p)); }); });

  auto l = std::make_shared<RlTrainOptions>();
  CLI::App* lcmd = train->add_subcommand(
      "rl", "Fine-tune the restorer with the reasoner's residual severity as reward (GRPO style)");
  add_run_flags(lcmd, app, l, &train_rl);
  lcmd->add_option("--restorer", l->restorer,
                   "supervised RestorerNet weights: the start and the KL reference (required)")
      ->check(CLI::ExistingFile);
  lcmd->add_option("--reasoner", l->reasoner, "frozen DiagNet weights: the condition and the reward (required)")
      ->check(CLI::ExistingFile);
  lcmd->add_option("--group", l->group, "restorations sampled per input (default 4)")->check(CLI::Range(2, 64));
  lcmd->add_option("--explore", l->explore,
                   "the policy's space: output (random DCT atoms of the restored image, default) or film (the "
                   "blocks' FiLM modulations)");
  lcmd->add_option("--explore-on", l->explore_on,
                   "explore only inputs degraded by one of these types (comma-separated or repeated; default: all "
                   "inputs); the others learn from the supervised loss alone")
      ->delimiter(',');
  lcmd->add_flag("--mirrored", l->mirrored, "film: sample each group as mirrored pairs z, -z (needs an even --group)");
  lcmd->add_option("--atoms", l->atoms, "DCT atoms explored per sample and channel (default 32)")->check(CLI::Range(1, 262144));
  lcmd->add_option("--sigma", l->sigma, "exploration spread per atom or modulation (default 0.02)")->check(CLI::Range(1e-6, 0.5));
  lcmd->add_option("--epochs", l->epochs, "clipped updates per group (default 2)")->check(CLI::Range(1, 16));
  lcmd->add_option("--clip", l->clip, "ratio clip (default 0.2)")->check(CLI::Range(1e-6, 0.999));
  lcmd->add_option("--kl", l->kl, "weight of the KL to the supervised reference (default 0.05)")->check(CLI::Range(0.0, 1e6));
  lcmd->add_option("--supervised", l->supervised, "weight of the supervised loss (default 1)")->check(CLI::Range(0.0, 1e6));
  lcmd->add_option("--loss", l->loss, "the supervised loss: l1 (default), psnr (each sample's log MSE) or psnr-fft (psnr plus the log L1 of the error spectrum)");
  lcmd->add_option("--fidelity", l->fidelity, "weight of PSNR to the truth in the reward (default 1)")->check(CLI::Range(0.0, 1e6));
  lcmd->add_option("--min-spread", l->min_spread,
                   "floor on a group's reward spread when normalising advantages, in reward units (default 0: none)")
      ->check(CLI::Range(0.0, 1e6));
  lcmd->add_option("--ema", l->ema_decay, "EMA decay of the saved weights (default 0.99)")->check(CLI::Range(0.0, 0.99999));
  add_pair_sampling_flags(lcmd, *l);
  lcmd->add_option("--val-crop", l->val_crop, "side of the validation centre crops in px (default 128)");
}

}  // namespace rirf::cli
