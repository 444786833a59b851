#include "train/train_util.hpp"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>

namespace rirf::train {

std::string fmt(const char* format, ...) {
  char buffer[1024];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  return buffer;
}

double cosine_learning_rate(double peak, int step, int steps, int warmup) {
  const double warm = std::min(1.0, (step + 1.0) / std::max(1, warmup));
  const double progress = static_cast<double>(step) / std::max(1, steps);
  return peak * warm * 0.5 * (1.0 + std::cos(3.14159265358979 * progress));
}

void set_learning_rate(torch::optim::AdamW& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
}

at::Tensor quantise(const at::Tensor& x) { return (x.clamp(0, 1) * 255.0).round() / 255.0; }

std::string ProgressLine::take(int step, int steps, double lr) {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = (step - first_) / std::max(elapsed, 1e-9);
  const std::string line = fmt("step %d/%d  loss %.4f  lr %.2e  %.2f steps/s  eta %.0f min", step, steps,
                               running_ / std::max(1, count_), lr, rate, (steps - step) / std::max(rate, 1e-9) / 60.0);
  running_ = 0;
  count_ = 0;
  return line;
}

}  // namespace rirf::train
