#include "restore/restorer_model.hpp"

#include "restore/condition.hpp"
#include "rirf/error.hpp"

namespace rirf {

void RestorerNetOptions::validate() const {
  check(width >= 4 && width <= 256, "restorer: width must be in [4, 256], got " + std::to_string(width));
  check(!encoder_blocks.empty() && encoder_blocks.size() <= 5, "restorer: 1 to 5 levels (encoder_blocks)");
  check(decoder_blocks.size() == encoder_blocks.size(), "restorer: decoder_blocks must have one entry per level");
  for (int n : encoder_blocks) check(n >= 0 && n <= 64, "restorer: encoder_blocks entries must be in [0, 64]");
  for (int n : decoder_blocks) check(n >= 0 && n <= 64, "restorer: decoder_blocks entries must be in [0, 64]");
  check(middle_blocks >= 0 && middle_blocks <= 64, "restorer: middle_blocks must be in [0, 64]");
  check(embedding >= 1 && embedding <= 1024, "restorer: embedding must be in [1, 1024]");
}

nlohmann::json RestorerNetOptions::to_json() const {
  return {{"width", width},       {"encoder_blocks", encoder_blocks}, {"middle_blocks", middle_blocks},
          {"decoder_blocks", decoder_blocks}, {"conditioned", conditioned}, {"embedding", embedding}};
}

RestorerNetOptions RestorerNetOptions::from_json(const nlohmann::json& json) {
  RestorerNetOptions o;
  try {
    o.width = json.at("width").get<int>();
    o.encoder_blocks = json.at("encoder_blocks").get<std::vector<int>>();
    o.middle_blocks = json.at("middle_blocks").get<int>();
    o.decoder_blocks = json.at("decoder_blocks").get<std::vector<int>>();
    o.conditioned = json.at("conditioned").get<bool>();
    o.embedding = json.at("embedding").get<int>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("restorer config: ") + e.what());
  }
  o.validate();
  return o;
}

RestorerNetImpl::RestorerNetImpl(const RestorerNetOptions& options) : options_(options) {
  options_.validate();
  namespace tnn = torch::nn;
  const int w = options_.width, levels = options_.levels();
  const int cw = options_.conditioned ? options_.embedding : 0;
  intro_ = register_module("intro", tnn::Conv2d(tnn::Conv2dOptions(3, w, 3).padding(1)));
  tnn::ModuleList encoders, decoders;
  for (int k = 0; k < levels; ++k) {
    tnn::ModuleList blocks;
    for (int i = 0; i < options_.encoder_blocks[k]; ++i) blocks->push_back(nn::NafBlock(w << k, cw));
    encoders->push_back(blocks);
    encoders_.push_back(blocks);
    downs_->push_back(tnn::Conv2d(tnn::Conv2dOptions(w << k, w << (k + 1), 2).stride(2)));
  }
  for (int i = 0; i < options_.middle_blocks; ++i) middle_->push_back(nn::NafBlock(w << levels, cw));
  for (int k = levels - 1; k >= 0; --k) {
    // NAFNet's upsampling: a 1x1 convolution to 4x the next level's channels, then pixel shuffle.
    ups_->push_back(tnn::Conv2d(tnn::Conv2dOptions(w << (k + 1), (w << k) * 4, 1).bias(false)));
    tnn::ModuleList blocks;
    for (int i = 0; i < options_.decoder_blocks[k]; ++i) blocks->push_back(nn::NafBlock(w << k, cw));
    decoders->push_back(blocks);
    decoders_.push_back(blocks);
  }
  ending_ = register_module("ending", tnn::Conv2d(tnn::Conv2dOptions(w, 3, 3).padding(1)));
  register_module("encoders", encoders);
  register_module("downs", downs_);
  register_module("middle", middle_);
  register_module("ups", ups_);
  register_module("decoders", decoders);
  for (const auto& block : blocks_in_order()) modulation_width_ += block->modulation_width();
  if (options_.conditioned) {
    embed_ = register_module("embed", tnn::Sequential(tnn::Linear(kConditionSize, cw), tnn::SiLU(),
                                                       tnn::Linear(cw, cw), tnn::SiLU()));
  }
}

torch::Tensor RestorerNetImpl::run_blocks(const torch::nn::ModuleList& blocks, torch::Tensor x,
                                          const torch::Tensor& modulations, std::int64_t& offset) {
  for (const auto& module : *blocks) {
    auto block = module->as<nn::NafBlock>();
    const std::int64_t width = block->modulation_width();
    x = block->forward_modulated(x, width > 0 ? modulations.slice(1, offset, offset + width) : torch::Tensor());
    offset += width;
  }
  return x;
}

std::vector<nn::NafBlock> RestorerNetImpl::blocks_in_order() const {
  std::vector<nn::NafBlock> blocks;
  const auto add = [&](const torch::nn::ModuleList& list) {
    for (const auto& module : *list) blocks.push_back(nn::NafBlock(std::dynamic_pointer_cast<nn::NafBlockImpl>(module)));
  };
  for (const auto& level : encoders_) add(level);
  add(middle_);
  for (const auto& level : decoders_) add(level);
  return blocks;
}

torch::Tensor RestorerNetImpl::modulations(const torch::Tensor& condition) {
  check(options_.conditioned, "restorer: a blind network has no modulations");
  check(condition.defined() && condition.dim() == 2 && condition.size(1) == kConditionSize,
        "restorer: expected a condition [N, " + std::to_string(kConditionSize) + "]");
  const torch::Tensor embedding = embed_->forward(condition.to(intro_->weight.dtype()));
  std::vector<torch::Tensor> parts;
  for (auto& block : blocks_in_order()) parts.push_back(block->modulation(embedding));
  return torch::cat(parts, 1);
}

torch::Tensor RestorerNetImpl::forward(const torch::Tensor& input, const torch::Tensor& condition) {
  // input: [N, 3, H, W]; condition: [N, kConditionSize]
  if (!options_.conditioned) return forward_modulated(input, torch::Tensor());
  check(condition.defined() && condition.dim() == 2 && condition.size(0) == input.size(0),
        "restorer: expected a condition [N, " + std::to_string(kConditionSize) + "]");
  return forward_modulated(input, modulations(condition));
}

torch::Tensor RestorerNetImpl::forward_modulated(const torch::Tensor& input, const torch::Tensor& modulations) {
  if (options_.conditioned)
    check(modulations.defined() && modulations.dim() == 2 && modulations.size(0) == input.size(0) &&
              modulations.size(1) == modulation_width(),
          "restorer: expected modulations [N, " + std::to_string(modulation_width()) + "]");
  const std::int64_t h = input.size(2), w = input.size(3), m = std::int64_t{1} << options_.levels();
  const std::int64_t pad_h = (m - h % m) % m, pad_w = (m - w % m) % m;
  torch::Tensor x = input;
  if (pad_h > 0 || pad_w > 0) {
    // Reflection keeps the image's statistics at the border; tiny images fall back to replication.
    const bool reflect = pad_h < h && pad_w < w;
    namespace F = torch::nn::functional;
    F::PadFuncOptions pad({0, pad_w, 0, pad_h});
    if (reflect)
      pad.mode(torch::kReflect);
    else
      pad.mode(torch::kReplicate);
    x = F::pad(x, pad);
  }
  const torch::Tensor mods = options_.conditioned ? modulations.to(x.dtype()) : torch::Tensor();
  std::int64_t offset = 0;
  torch::Tensor y = intro_->forward(x);
  std::vector<torch::Tensor> skips;
  for (int k = 0; k < options_.levels(); ++k) {
    y = run_blocks(encoders_[k], y, mods, offset);
    skips.push_back(y);
    y = downs_[k]->as<torch::nn::Conv2d>()->forward(y);
  }
  y = run_blocks(middle_, y, mods, offset);
  for (int i = 0; i < options_.levels(); ++i) {
    y = torch::pixel_shuffle(ups_[i]->as<torch::nn::Conv2d>()->forward(y), 2) + skips[options_.levels() - 1 - i];
    y = run_blocks(decoders_[i], y, mods, offset);
  }
  y = ending_->forward(y) + x;
  return y.slice(2, 0, h).slice(3, 0, w);
}

double RestorerNetImpl::macs_per_pixel() const {
  // Per block at c channels and 1/4^k of the pixels: 1x1 c->2c, 3x3 depthwise on 2c, 1x1 c->c,
  // 1x1 c->2c, 1x1 c->c.
  const auto block = [](double c) { return 2 * c * c + 18 * c + c * c + 2 * c * c + c * c; };
  const double w = options_.width;
  double macs = 2 * 9 * 3 * w;  // intro and ending
  for (int k = 0; k < options_.levels(); ++k) {
    const double c = w * (1 << k), share = 1.0 / (1 << (2 * k));
    macs += share * (options_.encoder_blocks[k] + options_.decoder_blocks[k]) * block(c);
    macs += share * (4 * c * 2 * c) / 4;  // 2x2 stride-2 down: counted at the lower resolution
    macs += share * (2 * c * 4 * c) / 4;  // 1x1 up before the shuffle, at the lower resolution
  }
  const double c = w * (1 << options_.levels());
  macs += options_.middle_blocks * block(c) / (1 << (2 * options_.levels()));
  return macs;
}

}  // namespace rirf
