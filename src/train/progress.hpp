// Internal: the trainers' log text: printf-style formatting and the progress line.
#pragma once

#include <chrono>
#include <string>

#include "train/schedule.hpp"

namespace rirf::train {

std::string fmt(const char* format, ...) __attribute__((format(printf, 1, 2)));

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
