#include "train/schedule.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace rirf::train {

double cosine_learning_rate(double peak, int step, int steps, int warmup) {
  const double warm = std::min(1.0, (step + 1.0) / std::max(1, warmup));
  const double progress = static_cast<double>(step) / std::max(1, steps);
  return peak * warm * 0.5 * (1.0 + std::cos(3.14159265358979 * progress));
}

void set_learning_rate(torch::optim::AdamW& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
}

double RunClock::minutes_spent() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count() / 60.0;
}

int RunClock::position(int step) const {
  if (minutes_ <= 0) return step;
  return std::max(step, static_cast<int>(std::min(1.0, minutes_spent() / minutes_) * steps_));
}

double RunClock::minutes_left() const {
  if (minutes_ <= 0) return std::numeric_limits<double>::infinity();
  return std::max(0.0, minutes_ - minutes_spent());
}

}  // namespace rirf::train
