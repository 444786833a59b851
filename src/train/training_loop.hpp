// Internal: the one training loop of every trainer. The loop owns the schedule (steps or a time
// limit, warm-up then cosine learning rate) and the cadence of progress lines, validation and
// checkpoints, the last step included; a trainer (its recipe) says what one step, one
// validation and one checkpoint are.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <string>

#include "rirf/train.hpp"
#include "train/data_parallel.hpp"
#include "train/progress.hpp"
#include "train/run_setup.hpp"

namespace rirf::train {

// What a trainer does inside the loop.
struct Recipe {
  // Makes optimiser step `step` (counted from 1) at the learning rate the loop has set, and adds
  // its loss to `progress`.
  std::function<void(int step, ProgressLine& progress)> step;
  // The line logged every log_every steps and at the last one, when the recipe reports more than
  // its mean loss (empty: ProgressLine::take with the all-reduce time).
  std::function<std::string(int step, double lr, ProgressLine& progress)> progress_line;
  // Every val_every steps and at the last one; empty when the run has no validation set.
  std::function<void(int step)> validate;
  // Every checkpoint_every steps and at the last one, on every rank (they check that they agree).
  std::function<void(int step)> checkpoint;
};

// Runs `recipe` from `step` until options.steps, or options.compute.minutes when that comes
// first, setting the scheduled learning rate on `optimizer` before each step; progress lines go
// to `log_main`. Returns the step reached.
int run_training_loop(const TrainRunOptions& options, int step, torch::optim::AdamW& optimizer, DataParallel& ranks,
                      const Log& log_main, const Recipe& recipe);

// The end of a step's backward pass: loss.backward(), the gradients averaged over the ranks and
// clipped to norm 1, then the optimiser step. The caller zeroes the gradients before its forward pass.
void apply_gradients(const at::Tensor& loss, torch::nn::Module& net, DataParallel& ranks,
                     torch::optim::Optimizer& optimizer);

}  // namespace rirf::train
