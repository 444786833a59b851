// Internal: exponential moving averages of a network's weights (the restorer's saved weights).
#pragma once

#include <torch/torch.h>

namespace rirf::train {

// ema = decay * ema + (1 - decay) * net, parameter by parameter (same architecture).
void update_ema(torch::nn::Module& ema, torch::nn::Module& net, double decay);
inline void copy_parameters(torch::nn::Module& to, torch::nn::Module& from) { update_ema(to, from, 0.0); }

}  // namespace rirf::train
