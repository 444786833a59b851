// Internal: how every trainer's run starts: its device and threads, its run folder, and, resuming,
// the state it continues from.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <string>

#include "rirf/train.hpp"
#include "train/data_parallel.hpp"

namespace rirf::train {

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
// or optimizer.pt is missing), and the other ranks receive both from it. Returns state.json's contents; the caller
// broadcasts the weights.
nlohmann::json resume_state(DataParallel& ranks, const std::string& out, torch::optim::Optimizer& optimizer);

// "cpu" or "cuda[:N]" as a device; Error for anything else or a GPU this libtorch cannot see.
at::Device training_device(const std::string& name);
// What every trainer does first, before it writes anything: finds its device (training_device),
// sets its threads (set_threads) and, resuming, checks on rank 0 that the run folder holds a
// checkpoint (require_checkpoint). Returns the device.
at::Device begin_run(const TrainRunOptions& options);

}  // namespace rirf::train
