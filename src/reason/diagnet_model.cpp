#include "reason/diagnet_model.hpp"

namespace rirf {

DiagNetImpl::DiagNetImpl(const DiagNetOptions& options) {
  namespace nn = torch::nn;
  const int w = options.width;
  stem_ = register_module("stem", nn::Conv2d(nn::Conv2dOptions(3, 16, 3).padding(1)));
  int in = 16;
  for (int k = 0; k < 4; ++k) {
    const int out = w << k;
    stages_->push_back(nn::Conv2d(nn::Conv2dOptions(in, out, 3).stride(2).padding(1)));
    feature_size_ += 2 * out;  // mean and std of each channel
    in = out;
  }
  register_module("stages", stages_);
  hidden_ = register_module("hidden", nn::Linear(feature_size_, 128));
  out_ = register_module("out", nn::Linear(128, kDiagNetOutputs));
}

torch::Tensor DiagNetImpl::features(const torch::Tensor& input) {
  // input: [N, 3, H, W] in [0, 1]
  torch::Tensor x = torch::relu(stem_->forward(input - 0.5));
  std::vector<torch::Tensor> stats;
  for (const auto& stage : *stages_) {
    x = torch::relu(stage->as<torch::nn::Conv2d>()->forward(x));
    const torch::Tensor flat = x.flatten(2);  // [N, C, H*W]
    const torch::Tensor mean = flat.mean(2);
    stats.push_back(mean);
    stats.push_back(torch::sqrt((flat - mean.unsqueeze(2)).pow(2).mean(2) + 1e-6));
  }
  return torch::cat(stats, 1);
}

torch::Tensor DiagNetImpl::head(const torch::Tensor& features) {
  // features: [N, feature_size()]
  return out_->forward(torch::relu(hidden_->forward(features)));
}

}  // namespace rirf
