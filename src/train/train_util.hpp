// Internal: pieces every trainer shares: the learning-rate schedule, progress text, the run
// folder's state file, and degraded training pairs quantised like a real file.
#pragma once

#include <torch/torch.h>

#include <array>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "rirf/degrade.hpp"
#include "train/data_parallel.hpp"

namespace rirf::train {

std::string fmt(const char* format, ...) __attribute__((format(printf, 1, 2)));

// Linear warm-up over `warmup` steps, then cosine decay from `peak` to 0 at `steps`.
double cosine_learning_rate(double peak, int step, int steps, int warmup);
void set_learning_rate(torch::optim::AdamW& optimizer, double lr);

// The threads a rank computes with: `threads` when given, else the cores shared among the ranks
// on this machine (0: leave libtorch's setting alone).
void set_threads(int threads, const DistributedOptions& distributed);

using Log = std::function<void(const std::string&)>;
// `log` on rank 0, silence elsewhere: only rank 0 reports.
Log main_rank_log(const DataParallel& ranks, Log log);
// Rank 0 makes the run folder and names the group, if there is one.
void open_run(const DataParallel& ranks, const DistributedOptions& distributed, const std::string& out, const Log& log);

// Throws a clear Error when `out` holds no checkpoint to resume from; call before loading weights.
void require_checkpoint(const std::string& out);
// A resumed run's state on every rank: rank 0 reads state.json and optimizer.pt from the run
// folder `out`, checked by require_checkpoint first (Error naming the file if either is damaged
// or optimizer.pt is missing), and the other ranks receive both from it. Returns state.json's contents; the caller broadcasts the weights.
nlohmann::json resume_state(DataParallel& ranks, const std::string& out, torch::optim::Optimizer& optimizer);

// ema = decay * ema + (1 - decay) * net, parameter by parameter (same architecture).
void update_ema(torch::nn::Module& ema, torch::nn::Module& net, double decay);
inline void copy_parameters(torch::nn::Module& to, torch::nn::Module& from) { update_ema(to, from, 0.0); }

// "cpu" or "cuda[:N]" as a device; Error for anything else or a GPU this libtorch cannot see.
at::Device training_device(const std::string& name);
// What every trainer does first, before it writes anything: finds its device (training_device),
// sets its threads (set_threads) and, resuming, checks on rank 0 that the run folder holds a
// checkpoint (require_checkpoint). Returns the device.
at::Device begin_run(const TrainRunOptions& options);

// Where a run's schedule is: its step, or with a time budget (ComputeOptions::minutes) the
// share of the time spent since the clock started, if that is further along.
class RunClock {
 public:
  RunClock(int steps, double minutes) : steps_(steps), minutes_(minutes), start_(std::chrono::steady_clock::now()) {}
  int position(int step) const;
  bool done(int step) const { return position(step) >= steps_; }
  // Minutes until the time limit; infinity without one.
  double minutes_left() const;

 private:
  double minutes_spent() const;
  int steps_;
  double minutes_;
  std::chrono::steady_clock::time_point start_;
};

// 8-bit quantisation, as a degraded image would be stored.
at::Tensor quantise(const at::Tensor& x);

// "step 120/6000  loss 0.1234  lr 1.00e-03  4.21 steps/s  eta 23 min"
class ProgressLine {
 public:
  // With a clock, the eta is also bounded by its time limit (a --minutes run).
  explicit ProgressLine(int first_step, const RunClock* clock = nullptr)
      : first_(first_step), clock_(clock), start_(std::chrono::steady_clock::now()) {}
  // Adds step's loss; throws when it is not finite, before a diverged run writes NaN weights.
  void add(double loss, int step);
  // Resets the running loss. reduce_ms > 0 adds the gradient all-reduce's mean time per step.
  std::string take(int step, int steps, double lr, double reduce_ms = 0);
  // "4.21 steps/s  eta 23 min" since the first step, for loops that log their own fields.
  std::string rate(int step, int steps) const;

 private:
  int first_;
  const RunClock* clock_;
  std::chrono::steady_clock::time_point start_;
  double running_ = 0;
  int count_ = 0;
};

}  // namespace rirf::train
