// RestorerNet: the all-in-one restoration network, a U-Net of NAFNet blocks (Chen et al.,
// "Simple Baselines for Image Restoration", ECCV 2022) conditioned on the diagnosis.
//
// What differs from NAFNet: no channel attention (see src/nn/naf_block.hpp: every output pixel
// depends only on a bounded neighbourhood, so tiled inference equals one pass away from seams);
// the diagnosis (src/restore/condition.hpp) is embedded by a small MLP and modulates every block
// by FiLM. `conditioned = false` builds the blind twin: the same body without the condition,
// the ablation that tells whether the reasoning helps. The output is the input plus a predicted
// residual, so an untrained or zero-residual network returns its input.
#pragma once

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <vector>

#include "nn/naf_block.hpp"

namespace rirf {

struct RestorerNetOptions {
  int width = 16;                         // channels at full resolution; level k has width << k
  std::vector<int> encoder_blocks{1, 1, 2};  // blocks per level before each downsampling
  int middle_blocks = 2;                  // at the lowest resolution
  std::vector<int> decoder_blocks{1, 1, 1};  // blocks per level after each upsampling
  bool conditioned = true;
  int embedding = 64;  // width of the condition embedding

  int levels() const { return static_cast<int>(encoder_blocks.size()); }
  void validate() const;  // throws Error naming the bad field
  nlohmann::json to_json() const;
  static RestorerNetOptions from_json(const nlohmann::json& json);
};

class RestorerNetImpl : public torch::nn::Module {
 public:
  explicit RestorerNetImpl(const RestorerNetOptions& options = {});
  // x: [N, 3, H, W] in [0, 1], any H and W; condition: [N, kConditionSize] (ignored when blind).
  // Returns the restored [N, 3, H, W] (not clamped: the caller clamps for output).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& condition);
  // forward split in two: every block's FiLM modulation from the condition, concatenated in block
  // order, [N, modulation_width()], and the body run with given modulations (undefined when
  // blind). The RL stage explores in this space (src/train/grpo.hpp).
  torch::Tensor modulations(const torch::Tensor& condition);
  torch::Tensor forward_modulated(const torch::Tensor& x, const torch::Tensor& modulations);
  std::int64_t modulation_width() const { return modulation_width_; }
  const RestorerNetOptions& options() const { return options_; }
  // Multiply-accumulates per output pixel (convolutions and the dense layers of the blocks).
  double macs_per_pixel() const;

 private:
  // Runs `blocks`, each with its slice of `modulations` from column `offset` on (advanced).
  static torch::Tensor run_blocks(const torch::nn::ModuleList& blocks, torch::Tensor x, const torch::Tensor& modulations,
                                  std::int64_t& offset);
  std::vector<nn::NafBlock> blocks_in_order() const;  // encoders, middle, decoders
  std::int64_t modulation_width_ = 0;  // sum over the blocks, fixed at construction

  RestorerNetOptions options_;
  torch::nn::Conv2d intro_{nullptr}, ending_{nullptr};
  torch::nn::ModuleList downs_, middle_, ups_;
  std::vector<torch::nn::ModuleList> encoders_, decoders_;  // per level, blocks (decoders_ from the lowest level up)
  torch::nn::Sequential embed_{nullptr};
};
TORCH_MODULE(RestorerNet);

}  // namespace rirf
