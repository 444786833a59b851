#include "nn/naf_block.hpp"

namespace rirf::nn {

torch::Tensor layer_norm_2d(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
  // x: [N, C, H, W]
  const torch::Tensor nhwc = x.permute({0, 2, 3, 1});
  return at::layer_norm(nhwc, {x.size(1)}, weight, bias, 1e-6).permute({0, 3, 1, 2});
}

namespace {
// NAFNet's SimpleGate: split the channels in two halves and multiply them.
torch::Tensor simple_gate(const torch::Tensor& x) {
  const auto halves = x.chunk(2, 1);
  return halves[0] * halves[1];
}
}  // namespace

NafBlockImpl::NafBlockImpl(int channels, int condition_width) : channels_(channels) {
  namespace tnn = torch::nn;
  const int c = channels, wide = 2 * channels;
  norm1_weight_ = register_parameter("norm1_weight", torch::ones({c}));
  norm1_bias_ = register_parameter("norm1_bias", torch::zeros({c}));
  norm2_weight_ = register_parameter("norm2_weight", torch::ones({c}));
  norm2_bias_ = register_parameter("norm2_bias", torch::zeros({c}));
  expand_ = register_module("expand", tnn::Conv2d(tnn::Conv2dOptions(c, wide, 1)));
  depthwise_ = register_module("depthwise", tnn::Conv2d(tnn::Conv2dOptions(wide, wide, 3).padding(1).groups(wide)));
  project_ = register_module("project", tnn::Conv2d(tnn::Conv2dOptions(c, c, 1)));
  ffn_expand_ = register_module("ffn_expand", tnn::Conv2d(tnn::Conv2dOptions(c, wide, 1)));
  ffn_project_ = register_module("ffn_project", tnn::Conv2d(tnn::Conv2dOptions(c, c, 1)));
  // The residual scales start at zero (as in NAFNet): every block starts as the identity.
  beta_ = register_parameter("beta", torch::zeros({1, c, 1, 1}));
  gamma_ = register_parameter("gamma", torch::zeros({1, c, 1, 1}));
  if (condition_width > 0) {
    film_ = register_module("film", tnn::Linear(condition_width, 2 * c));
    torch::NoGradGuard no_grad;
    film_->weight.zero_();
    film_->bias.zero_();
  }
}

torch::Tensor NafBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& embedding) {
  // x: [N, C, H, W]; embedding: [N, condition_width]
  return forward_modulated(x, film_ ? modulation(embedding) : torch::Tensor());
}

torch::Tensor NafBlockImpl::modulation(const torch::Tensor& embedding) {
  return film_ ? film_->forward(embedding) : torch::Tensor();
}

torch::Tensor NafBlockImpl::forward_modulated(const torch::Tensor& x, const torch::Tensor& modulation) {
  torch::Tensor y = layer_norm_2d(x, norm1_weight_, norm1_bias_);
  if (film_) {
    const auto film = modulation.view({-1, 2 * channels_, 1, 1}).chunk(2, 1);
    y = y * (film[0] + 1.0) + film[1];
  }
  y = project_->forward(simple_gate(depthwise_->forward(expand_->forward(y))));
  const torch::Tensor mid = x + y * beta_;
  y = ffn_project_->forward(simple_gate(ffn_expand_->forward(layer_norm_2d(mid, norm2_weight_, norm2_bias_))));
  return mid + y * gamma_;
}

}  // namespace rirf::nn
