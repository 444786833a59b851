// Training: the trainers' options (each with validate, and to_json / from_json in the form of a
// run's config.json) and their runs (`rirf train reasoner | restorer | rl | pack`).
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "rirf/degradation.hpp"

namespace rirf {

// The cores this process may run on (its CPU affinity: taskset, a container's cpuset), at least 1.
int usable_cores();

// Data-parallel training over several processes (one machine or many) on torch's c10d with the
// Gloo backend; see docs/distributed.md. world_size 1 is ordinary one-process training.
struct DistributedOptions {
  int world_size = 1;
  int rank = 0;                          // 0 validates, logs and writes the run folder
  std::string master_addr = "127.0.0.1";  // where rank 0 listens (the TCP store rendezvous)
  int master_port = 29500;
  // Rendezvous and every collective give up after this; a rank that dies is noticed sooner
  // (its connections close). Must exceed rank 0's validation pause.
  int timeout_s = 300;
  int local_world_size = 1;  // processes on this machine (threads default to cores / this)

  void validate() const;
  nlohmann::json to_json() const;
};

// The variables torchrun sets (RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT), or
// Slurm's (SLURM_PROCID, SLURM_NTASKS, SLURM_NTASKS_PER_NODE) when torchrun's are absent.
// `getenv` is injectable for tests. Throws Error naming a variable that is not a number.
DistributedOptions distributed_from_environment(const std::function<const char*(const char*)>& getenv);
// "HOST:PORT" into master_addr and master_port; throws Error on anything else.
void set_master(DistributedOptions& options, const std::string& host_port);

// Where and how fast a trainer runs; both trainers take these (docs/gpu-training.md).
struct ComputeOptions {
  // "cpu" or "cuda[:N]": where the network trains; the data is always made on the CPU.
  std::string device = "cpu";
  // Threads that make batches ahead of the optimiser (each with its own data stream); 0 makes
  // them on the training thread, one step at a time, a stream that --resume continues exactly.
  int data_workers = 0;
  // > 0: stop after this many minutes, with the schedule following whichever of steps and time
  // is further along (a run sized to a lease on a rented machine).
  double minutes = 0;
  void validate(const DistributedOptions& distributed) const;
  nlohmann::json to_json() const;
};

// What every trainer's run has: where it reads and writes, its schedule, its seed and how it
// runs. Each trainer's options derive from it and set their own schedule defaults.
struct TrainRunOptions {
  std::vector<std::string> data_dirs;  // clean photos, searched recursively (or packs)
  std::string val_dir;                 // clean validation photos (never training ones); optional
  std::string out_dir;
  std::vector<std::string> exclude;  // file names (no folder) left out of data_dirs
  int steps = 1000;
  int batch = 8;
  int crop = 96;
  double lr = 1e-3;
  double weight_decay = 1e-4;
  int warmup = 200;
  int log_every = 25;
  int val_every = 500;
  int checkpoint_every = 250;
  std::uint64_t seed = 1;
  bool resume = false;  // not in config.json: how a run starts, not what it is
  int threads = 0;  // 0: all cores
  ComputeOptions compute;
  DistributedOptions distributed;

 protected:
  // The checks of the fields above; throws OptionError naming the field.
  void validate_run() const;
};

// How the restorer's trainers (supervised and RL) draw their (degraded, target) pairs: the fields
// both share, declared once (train::PairSampling takes them). config.json keeps them flat.
struct PairSamplingOptions {
  double clean_probability = 0.1;  // clean inputs must come back unchanged
  // Chance that a degraded sample is forced to one type (on top of the 1-3 uniform draw).
  double single_probability = 0.0;
  // Relative chance of each type in the drawn plans (indexed by DegradationType; default equal),
  // e.g. more noise for a denoising-heavy use.
  std::array<double, kNumDegradationTypes> type_weights{1, 1, 1, 1, 1, 1};
  // Haze is made on a region of up to this many px a side around each crop, as on a whole photo
  // (degrade_in_region in src/train/photo_pool.hpp); at or below the crop size, on the crop.
  std::int64_t haze_context = 512;
  // Above the crop size: each crop is cut from a degraded region of at least this side, and the
  // condition is the reasoner's diagnosis of that region, as `rirf restore` diagnoses the whole
  // image (default; measured +0.25 dB on the benchmark, docs/notebook/restorer.md); 0: the reasoner's one
  // pass over the crop (every run before 2026-11-30).
  std::int64_t condition_view = 256;

 protected:
  // The checks of the fields above; throws OptionError naming the field.
  void validate_sampling() const;
};

struct ReasonerTrainOptions : TrainRunOptions {
  ReasonerTrainOptions() {
    steps = 6000;
    batch = 24;
    crop = 128;
    lr = 2e-3;
    warmup = 200;
    val_every = 500;
    checkpoint_every = 250;
  }
  std::string init;                  // start from these weights (new parameters keep their initialisation)
  double clean_probability = 0.2;
  // Relative chance of each type in the drawn plans (as RestorerTrainOptions::type_weights).
  std::array<double, kNumDegradationTypes> type_weights{1, 1, 1, 1, 1, 1};
  // Crops are cut from regions up to this many times larger and downscaled (PhotoPool::random_crop).
  double zoom_out = 1.0;
  // Haze is made on a region of up to this many px a side around each crop, as on a whole photo
  // (degrade_in_region in src/train/photo_pool.hpp); at or below the crop size, or with
  // zoom_out > 1, on the crop.
  std::int64_t haze_context = 512;
  // Share of samples shot by the camera-like renderer (src/train/camera_samples.hpp): noise,
  // blur, low light and JPEG made on a raw mosaic and developed. 0: none, and no extra draws.
  double camera_probability = 0.0;
  // Share of samples that are a whole picture: a square region of one photo, crop to
  // whole_image_max px a side, degraded as one image and read on its diagnosis tiles (3x3 of the
  // crop's size, as the reasoner reads a photo with 256), the loss on their averaged outputs.
  // 0: none, and no extra draws.
  double whole_image_probability = 0.0;
  std::int64_t whole_image_max = 768;

  void validate() const;
  // config.json's object; from_json reads one back (a key it lacks keeps its default; an unknown
  // key or a value of the wrong type throws OptionError naming it; "model" and "parameters", what
  // a trainer records about its network, are skipped). Not validated.
  nlohmann::json to_json() const;
  static ReasonerTrainOptions from_json(const nlohmann::json& config);
};

// Trains DiagNet on the engine's on-the-fly triples. Writes into out_dir: config.json (resolved
// options), checkpoint.safetensors + optimizer.pt + state.json (every checkpoint_every steps, and
// at the end), best.safetensors (best validation score) and reasoner.safetensors (final weights).
// `log` receives one progress line at a time.
void train_reasoner(const ReasonerTrainOptions& options, const std::function<void(const std::string&)>& log);

struct RestorerTrainOptions : TrainRunOptions, PairSamplingOptions {
  RestorerTrainOptions() {
    steps = 20000;
    batch = 8;
    crop = 96;
    lr = 1e-3;
    warmup = 300;
    val_every = 1000;
    checkpoint_every = 250;
  }
  std::string reasoner;              // DiagNet weights whose predicted diagnosis conditions the restorer
  bool blind = false;                // train the blind twin (no condition; the reasoner is not used)
  std::string init;                  // start from these RestorerNet weights, new schedule (see below)
  int width = 16;                    // RestorerNet width
  // Blocks per level and at the bottom (empty / -1: RestorerNetOptions defaults). An --init
  // network of the same width and levels with fewer blocks is grown into this one: its blocks
  // keep their weights and the added ones start as the identity (zero residual scales, as in
  // NAFNet), so training continues from its function with more capacity.
  std::vector<int> encoder_blocks, decoder_blocks;
  int middle_blocks = -1;
  double ema_decay = 0.999;
  std::int64_t val_crop = 128;    // side of the validation centre crops
  double keep_probability = 0.1;  // samples that ask the network to keep some present types
  std::string loss = "l1";        // "l1", or "psnr": mean over the batch of each sample's log MSE
  // Chance that a clean sample is conditioned on an unsure false call of noise, blur, rain or JPEG
  // and must still come back unchanged (train::PairSampling::false_call_probability). It meets
  // the clean target and costs denoising (docs/notebook/restorer.md, "False calls"), so it is off.
  double false_call_probability = 0.0;

  void validate() const;
  nlohmann::json to_json() const;  // as ReasonerTrainOptions'
  static RestorerTrainOptions from_json(const nlohmann::json& config);
};

// Trains RestorerNet (or its blind twin) on the engine's on-the-fly triples, conditioned on the
// reasoner's *predicted* diagnosis of each degraded crop, as at inference. L1 (or PSNR) loss, AdamW, cosine
// schedule, EMA weights. Writes into out_dir: config.json, checkpoint.safetensors +
// ema.safetensors + optimizer.pt + state.json (every checkpoint_every steps and at the end), and
// restorer.safetensors (the final EMA weights).
void train_restorer(const RestorerTrainOptions& options, const std::function<void(const std::string&)>& log);

struct RlTrainOptions : TrainRunOptions, PairSamplingOptions {
  RlTrainOptions() {
    steps = 1000;
    batch = 4;
    crop = 96;
    lr = 2e-5;
    weight_decay = 0.0;
    warmup = 50;
    val_every = 250;
    checkpoint_every = 100;
  }
  std::string restorer;  // the supervised RestorerNet: the starting policy and the KL reference
  std::string reasoner;  // the frozen DiagNet: conditions the restorer and judges its outputs
  int group = 4;         // G restorations per input, whose rewards are compared with each other
  std::string explore = "output";  // the policy's space: "output" (DCT atoms of the image) or "film" (the blocks' modulations)
  int atoms = 32;        // output: K random DCT atoms per sample, 3K explored directions
  bool mirrored = false;  // film: each group as pairs z, -z (train/grpo.hpp); needs an even group
  std::vector<std::string> explore_on;  // explore only inputs degraded by one of these types (empty: all);
                                        // the others get the supervised loss and the KL only
  double sigma = 0.02;   // exploration spread of each atom's coefficient (or of each modulation)
  int epochs = 2;        // clipped updates per group of samples
  double clip = 0.2;     // ratio clip
  double kl = 0.05;      // weight of KL(policy || supervised reference)
  double supervised = 1.0;  // weight of the supervised loss mixed in, so nothing is forgotten
  std::string loss = "l1";  // the supervised loss: "l1" or "psnr" (RestorerTrainOptions::loss)
  double fidelity = 1.0;    // reward = -residual severity / 100 + fidelity * PSNR(sample, truth) / 10
  double min_spread = 0.0;  // floor on the group's reward spread in the advantages (train/grpo.hpp)
  double ema_decay = 0.99;
  std::int64_t val_crop = 128;

  void validate() const;
  nlohmann::json to_json() const;  // as ReasonerTrainOptions'
  static RlTrainOptions from_json(const nlohmann::json& config);
};

// Fine-tunes a supervised RestorerNet with the reasoner's residual severity as reward (GRPO
// style; src/train/grpo.hpp). Writes into out_dir: config.json, checkpoint.safetensors +
// ema.safetensors + optimizer.pt + state.json, and rl.safetensors (the final EMA weights).
void train_rl(const RlTrainOptions& options, const std::function<void(const std::string&)>& log);

// `rirf train pack`: clean photos packed into one safetensors file of 8-bit [3, H, W] tensors,
// which --data accepts in place of a folder, so that a machine without image decoders (a GPU
// node with PyTorch's libtorch) trains from them. Photos larger than max_side are cut to one
// max_side crop (on the 8x8 grid: random, or centred for validation photos).
struct PackOptions {
  std::vector<std::string> data_dirs;
  std::vector<std::string> exclude;
  std::string out;  // .safetensors
  std::int64_t max_side = 320;
  bool center = false;
  std::uint64_t seed = 1;
  // 0: raw 8-bit pixels; 1-100: each photo stored as a JPEG of this quality (whole photos in a
  // tenth of the bytes, for a pack that must travel).
  int quality = 0;
  void validate() const;
};
// Writes the pack atomically and returns "packed N photos (M MB of pixels, S MB stored[ as JPEG
// quality Q, P dB PSNR against the photos]) into FILE".
std::string pack_photos(const PackOptions& options);

}  // namespace rirf
