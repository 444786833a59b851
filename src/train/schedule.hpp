// Internal: a run's schedule: where it is (its step, or the share of a time limit spent) and the
// learning rate there (linear warm-up, then cosine decay).
#pragma once

#include <torch/torch.h>

#include <chrono>

namespace rirf::train {

// Linear warm-up over `warmup` steps, then cosine decay from `peak` to 0 at `steps`.
double cosine_learning_rate(double peak, int step, int steps, int warmup);
void set_learning_rate(torch::optim::AdamW& optimizer, double lr);

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

}  // namespace rirf::train
