#include "reason/diagnet_model.hpp"

#include "reason/evidence.hpp"

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
  statistics_size_ = feature_size_;
  feature_size_ += evidence::kEvidenceSize;
  norm_ = register_module("norm", nn::LayerNorm(nn::LayerNormOptions({statistics_size_})));
  hidden_ = register_module("hidden", nn::Linear(statistics_size_, 192));
  evidence_ = register_module("evidence", nn::Linear(nn::LinearOptions(evidence::kEvidenceSize, 192).bias(false)));
  out_ = register_module("out", nn::Linear(192, kDiagNetOutputs));
  evidence_out_ = register_module("evidence_out",
                                  nn::Linear(nn::LinearOptions(evidence::kEvidenceSize, kDiagNetOutputs).bias(false)));
  torch::NoGradGuard no_grad;
  evidence_->weight.zero_();
  evidence_out_->weight.zero_();
}

torch::Tensor DiagNetImpl::features(const torch::Tensor& input, const torch::Tensor& evidence) {
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
  {
    torch::NoGradGuard no_grad;  // measured, not learned
    stats.push_back(evidence.defined() ? evidence.to(input.device()) : evidence::evidence_vector(input));
  }
  return torch::cat(stats, 1);
}

torch::Tensor DiagNetImpl::head(const torch::Tensor& features) {
  // features: [N, feature_size()]
  const torch::Tensor statistics = features.slice(1, 0, statistics_size_);
  const torch::Tensor evidence = features.slice(1, statistics_size_);
  return out_->forward(torch::relu(hidden_->forward(norm_->forward(statistics)) + evidence_->forward(evidence))) +
         evidence_out_->forward(evidence);
}

}  // namespace rirf
