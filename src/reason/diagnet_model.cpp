#include "reason/diagnet_model.hpp"

namespace rirf {

DiagNetImpl::DiagNetImpl(const DiagNetOptions& options) {
  namespace nn = torch::nn;
  const int w = options.width;
  stem_ = register_module("stem", nn::Conv2d(nn::Conv2dOptions(3, 16, 3).padding(1)));
  int in = 16;
  feature_size_ = 2 * in;  // the stem's statistics too
  for (int k = 0; k < 4; ++k) {
    const int out = w << k;
    stages_->push_back(nn::Conv2d(nn::Conv2dOptions(in, out, 3).stride(2).padding(1)));
    feature_size_ += 2 * out;  // mean and std of each channel
    in = out;
  }
  register_module("stages", stages_);
  norm_ = register_module("norm", nn::LayerNorm(nn::LayerNormOptions({feature_size_})));
  hidden_ = register_module("hidden", nn::Linear(feature_size_, 192));
  out_ = register_module("out", nn::Linear(192, kDiagNetOutputs));
}

torch::Tensor DiagNetImpl::features(const torch::Tensor& input) {
  // input: [N, 3, H, W] in [0, 1]
  std::vector<torch::Tensor> stats;
  const auto pool = [&stats](const torch::Tensor& t) {
    const torch::Tensor flat = t.flatten(2);  // [N, C, H*W]
    const torch::Tensor mean = flat.mean(2);
    stats.push_back(mean);
    stats.push_back(0.5 * torch::log((flat - mean.unsqueeze(2)).pow(2).mean(2) + 1e-8));  // log std
  };
  torch::Tensor x = torch::relu(stem_->forward(input - 0.5));
  pool(x);
  for (const auto& stage : *stages_) {
    x = torch::relu(stage->as<torch::nn::Conv2d>()->forward(x));
    pool(x);
  }
  return torch::cat(stats, 1);
}

torch::Tensor DiagNetImpl::head(const torch::Tensor& features) {
  // features: [N, feature_size()]
  return out_->forward(torch::relu(hidden_->forward(norm_->forward(features))));
}

}  // namespace rirf
