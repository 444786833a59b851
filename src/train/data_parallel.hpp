// Internal: data-parallel training over c10d's Gloo process group. Every rank holds the whole
// network, draws its own batches, and averages gradients with all-reduce before each optimiser
// step, so the parameters stay bit-identical on every rank. With world size 1 every call is a
// no-op and nothing is opened. c10d stays inside data_parallel.cpp.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "rirf/train.hpp"

namespace rirf::train {

class DataParallel {
 public:
  // Joins the group: rank 0 serves the TCP store at master_addr:master_port, the others connect.
  // Blocks until every rank has joined, rank 0 saying so first through `log` (it may wait
  // minutes for a node still starting); throws Error after options.timeout_s if one never does.
  // Gradients are reduced in buckets of up to bucket_bytes (one all-reduce per bucket).
  explicit DataParallel(const DistributedOptions& options, const std::function<void(const std::string&)>& log = {},
                        std::int64_t bucket_bytes = 8 << 20);
  ~DataParallel();
  DataParallel(const DataParallel&) = delete;
  DataParallel& operator=(const DataParallel&) = delete;

  bool enabled() const { return world_size_ > 1; }
  int rank() const { return rank_; }
  int world_size() const { return world_size_; }
  bool is_main() const { return rank_ == 0; }

  // The seed of this rank's data stream: `seed` itself on rank 0 (so one-process runs are
  // unchanged), an independent one derived from it on every other rank.
  std::uint64_t data_seed(std::uint64_t seed) const;

  // Overwrites `tensors` with rank 0's values (initial or resumed weights).
  void broadcast(const std::vector<at::Tensor>& tensors);
  // Replaces each parameter's gradient with its mean over the ranks (missing gradients count as 0).
  void average_gradients(const std::vector<at::Tensor>& parameters);
  // Rank 0's `value` on every rank (small blobs through the store: resume state, optimizer state).
  std::string share(const std::string& key, const std::string& value);
  // Throws Error unless `tensors` are bit-identical on every rank (a guard run at checkpoints).
  void check_identical(const std::vector<at::Tensor>& tensors);

  // Mean wall time of the gradient all-reduces since the last call, in milliseconds.
  double take_reduce_ms();

 private:
  struct Group;
  std::unique_ptr<Group> group_;
  int rank_ = 0, world_size_ = 1;
  std::int64_t bucket_bytes_;
  double reduce_seconds_ = 0;
  int reduce_calls_ = 0;
};

}  // namespace rirf::train
