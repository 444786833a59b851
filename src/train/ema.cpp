#include "train/ema.hpp"

namespace rirf::train {

void update_ema(torch::nn::Module& ema, torch::nn::Module& net, double decay) {
  torch::NoGradGuard no_grad;
  const auto target = ema.parameters();
  const auto source = net.parameters();
  for (std::size_t i = 0; i < target.size(); ++i)
    target[i].mul_(decay).add_(source[i].to(target[i].device()), 1.0 - decay);
}

}  // namespace rirf::train
