// DiagNet: the compact CNN behind the trained reasoner.
//
// No paper is followed directly; the design takes two ideas from blind image quality and noise
// estimation work: statistics pooled over the whole input (mean and log standard deviation of
// each feature map, at five scales from the stride-1 stem down) so that it works at any size,
// and a stride-1 first layer so that pixel-level noise and 8x8 JPEG block structure reach the
// statistics. Strides are powers of two from the tile origin, which sits on the JPEG grid.
// The log of the spread keeps noise levels from 1 to 75 on one footing, and a LayerNorm on the
// pooled vector conditions the heads (the first version, without either, learned slowly).
// The heads also read the measured evidence (src/reason/evidence.hpp) through their own
// weights, which start at zero so that a network trained without them starts unchanged: a JPEG
// quantiser step or a noise level is a global statistic the classical estimators measure well.
// The evidence also reaches the outputs directly (evidence_out, zero at first), so a head can
// copy a measurement it trusts (the JPEG quality) instead of re-deriving it through the MLP.
// About 370k parameters.
#pragma once

#include <torch/torch.h>

namespace rirf {

struct DiagNetOptions {
  int width = 24;  // channels of the first strided stage; stage k has width << k (k = 0..3)
};

// Output layout of DiagNet::forward: [N, kDiagNetOutputs].
constexpr int kPresenceOffset = 0;   // 6 presence logits, one per type (enum order)
constexpr int kSeverityOffset = 6;   // 6 severities as logits of severity / 100
constexpr int kBlurKindOffset = 12;  // 3 blur-kind logits (gaussian, defocus, motion)
constexpr int kAirlightOffset = 15;  // 3 airlight values as logits
constexpr int kDiagNetOutputs = 18;

class DiagNetImpl : public torch::nn::Module {
 public:
  explicit DiagNetImpl(const DiagNetOptions& options = {});
  // Pooled statistics of one batch of tiles, then the evidence: [N, feature_size()]. `evidence`,
  // when given, is evidence::evidence_vector(x) measured beforehand (by a trainer's data threads,
  // on the CPU, while the network trains on a GPU); else it is measured here.
  torch::Tensor features(const torch::Tensor& x, const torch::Tensor& evidence = {});
  // The heads on (tile-averaged) statistics: [N, kDiagNetOutputs].
  torch::Tensor head(const torch::Tensor& features);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& evidence = {}) { return head(features(x, evidence)); }
  std::int64_t feature_size() const { return feature_size_; }

 private:
  torch::nn::Conv2d stem_{nullptr};
  torch::nn::ModuleList stages_;
  torch::nn::LayerNorm norm_{nullptr};
  torch::nn::Linear hidden_{nullptr}, evidence_{nullptr}, out_{nullptr}, evidence_out_{nullptr};
  std::int64_t feature_size_ = 0;  // learned statistics and evidence
  std::int64_t statistics_size_ = 0;  // learned statistics only
};
TORCH_MODULE(DiagNet);

}  // namespace rirf
