// NAFNet's block (Chen et al., "Simple Baselines for Image Restoration", ECCV 2022), with two
// changes for rirf:
// - no simplified channel attention: its global average pool makes every output pixel depend on
//   the whole input, so a tiled pass would differ from one pass everywhere. The diagnosis,
//   measured once on the whole image, brings the global context instead;
// - optional FiLM (Perez et al. 2018): a scale and shift per channel, computed from the condition
//   embedding, modulate the normalised input of the spatial branch. They start at zero, so a
//   conditioned block starts as the blind one.
#pragma once

#include <torch/torch.h>

namespace rirf::nn {

// LayerNorm over the channels of each pixel, [N, C, H, W]. Runs the native layer_norm on a
// channels-last view (measured faster than mean/var arithmetic on this CPU).
torch::Tensor layer_norm_2d(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias);

class NafBlockImpl : public torch::nn::Module {
 public:
  // condition_width 0: a blind block (no FiLM).
  NafBlockImpl(int channels, int condition_width);
  // x: [N, C, H, W]; embedding: [N, condition_width] (ignored by a blind block)
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& embedding);
  // The FiLM modulation the embedding makes, [N, 2C] (scales then shifts), and the block run with
  // a given one: forward(x, e) == forward_modulated(x, modulation(e)). Split so that the RL stage
  // can explore in modulation space (src/train/grpo.hpp). A blind block has none (width 0) and
  // ignores `modulation`.
  int modulation_width() const { return film_ ? 2 * channels_ : 0; }
  torch::Tensor modulation(const torch::Tensor& embedding);
  torch::Tensor forward_modulated(const torch::Tensor& x, const torch::Tensor& modulation);

 private:
  int channels_;
  torch::Tensor norm1_weight_, norm1_bias_, norm2_weight_, norm2_bias_, beta_, gamma_;
  torch::nn::Conv2d expand_{nullptr}, depthwise_{nullptr}, project_{nullptr};  // spatial branch
  torch::nn::Conv2d ffn_expand_{nullptr}, ffn_project_{nullptr};               // channel branch
  torch::nn::Linear film_{nullptr};
};
TORCH_MODULE(NafBlock);

}  // namespace rirf::nn
