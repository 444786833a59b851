#include "train/progress.hpp"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>

#include "rirf/error.hpp"

namespace rirf::train {

std::string fmt(const char* format, ...) {
  char buffer[1024];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  return buffer;
}

std::string ProgressLine::rate(int step, int steps) const {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double per_second = (step - first_) / std::max(elapsed, 1e-9);
  double eta = (steps - step) / std::max(per_second, 1e-9) / 60.0;
  if (clock_) eta = std::min(eta, clock_->minutes_left());
  return fmt("%.2f steps/s  eta %.0f min", per_second, eta);
}

void ProgressLine::add(double loss, int step) {
  check(std::isfinite(loss),
        fmt("train: the loss is not finite at step %d: the run diverged (try a lower learning rate)", step));
  running_ += loss, ++count_;
}

std::string ProgressLine::take(int step, int steps, double lr, double reduce_ms) {
  const std::string line =
      fmt("step %d/%d  loss %.4f  lr %.2e  ", step, steps, running_ / std::max(1, count_), lr) + rate(step, steps);
  running_ = 0;
  count_ = 0;
  return reduce_ms > 0 ? line + fmt("  all-reduce %.1f ms/step", reduce_ms) : line;
}

}  // namespace rirf::train
