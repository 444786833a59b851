// DiagNet as a Reasoner: tile the image, run the network on each tile, average the tiles' outputs
// and turn them into a Diagnosis.
#include <torch/torch.h>

#include <cmath>

#include "core/resize.hpp"
#include "core/unit_range.hpp"
#include "reason/diagnet_model.hpp"
#include "reason/diagnet_weights.hpp"
#include "reason/measured_noise.hpp"
#include "rirf/diagnet.hpp"
#include "rirf/error.hpp"
#include "rirf/scene.hpp"

namespace rirf {
namespace {

class DiagNetReasoner : public Reasoner {
 public:
  explicit DiagNetReasoner(DiagNet net) : net_(std::move(net)) { net_->eval(); }

  Diagnosis diagnose(const at::Tensor& image) override {
    check(image.dim() == 4 && image.size(0) == 1 && image.size(1) == 3, "diagnose: expected an image [1, 3, H, W]");
    // The network halves its input; a side of 1 px has nothing to halve.
    check(image.size(2) >= 2 && image.size(3) >= 2,
          "diagnose: an image of " + std::to_string(image.size(3)) + "x" + std::to_string(image.size(2)) +
              " px is too small for DiagNet (at least 2 px a side; the classical backend reads it)");
    torch::InferenceMode guard;
    const at::Tensor x = detail::in_unit_range(image.to(at::kCPU, at::kFloat));
    const at::Tensor tiles = diagnosis_crops(x);
    at::Tensor outputs = tile_outputs(*net_, tiles);
    add_overview_haze(outputs, *net_, x);
    Diagnosis d = decode_outputs(outputs);
    refine_noise_sigma(d, tiles);
    d.width = x.size(3);
    d.height = x.size(2);
    d.scene = measure_scene(x);
    render_reasoning(d);
    return d;
  }
  std::string name() const override { return "diagnet"; }

 private:
  DiagNet net_;
};

}  // namespace

at::Tensor diagnosis_crops(const at::Tensor& image, std::int64_t tile) {
  std::vector<at::Tensor> crops;
  for (const auto& t : diagnosis_tiles(image.size(2), image.size(3), tile))
    crops.push_back(image.slice(2, t.top, t.top + t.height).slice(3, t.left, t.left + t.width));
  // Tiles share one size unless the image is smaller than a tile (then there is only one).
  // Channels-last runs libtorch's CPU convolutions faster here (measured 138 -> 113 ms for the
  // four 256x256 tiles of a 1 MP image then, docs/notebook/reasoner.md).
  return at::cat(crops, 0).contiguous(at::MemoryFormat::ChannelsLast);
}

at::Tensor diagnosis_overview(const at::Tensor& image, std::int64_t side) {
  const std::int64_t longest = std::max(image.size(2), image.size(3));
  // Up to three tiles a side, the nine tiles cover the picture (and the overview, a shrink of
  // less than 2x, showed noise as faint haze to the restorer: docs/notebook/reasoner.md).
  if (longest <= 3 * kDiagnosisTile) return {};
  const auto [h, w] = detail::shrunk_size(image.size(2), image.size(3), side, 8);
  return detail::area_average(image, h, w).contiguous(at::MemoryFormat::ChannelsLast);
}

void add_overview_haze(at::Tensor& outputs, DiagNetImpl& net, const at::Tensor& image) {
  const at::Tensor view = diagnosis_overview(image);
  if (!view.defined()) return;
  torch::NoGradGuard no_grad;
  const at::Tensor overview = net.forward(view)[0];
  // Haze is judged on the tiles and on the whole picture shrunk, as equals: their logits are
  // averaged (docs/notebook/reasoner.md, "An overview for haze": on whole training photos of up to 1600 px,
  // haze F1 0.651 -> 0.760; replacing the tiles' logits, or taking the larger, called more clean
  // photos hazy).
  // Only haze: the other degradations are pixel-scale, and shrinking hides them (low light from
  // the overview too: F1 0.964 -> 0.941 on the held-out set).
  const int t = static_cast<int>(DegradationType::haze);
  for (int offset : {kPresenceOffset, kSeverityOffset})
    outputs[offset + t] = (outputs[offset + t] + overview[offset + t]) / 2;
}

at::Tensor tile_outputs(DiagNetImpl& net, const at::Tensor& tiles) {
  torch::NoGradGuard no_grad;
  // The heads read one tile's statistics, as in training (one crop a sample); their outputs
  // (logits) are averaged. Averaging the statistics first fed them smoother numbers than they
  // learned on: measured 2026-11-30, macro-F1 0.907 -> 0.911 and 11 of the 16 rows better
  // (docs/notebook/reasoner.md, "Per-tile outputs").
  return net.forward(tiles).mean(0);
}

Diagnosis decode_outputs(const at::Tensor& out) {
  // out: [kDiagNetOutputs]
  const at::Tensor presence = torch::sigmoid(out.slice(0, kPresenceOffset, kPresenceOffset + 6));
  const at::Tensor severity = torch::sigmoid(out.slice(0, kSeverityOffset, kSeverityOffset + 6)) * 100.0;
  const at::Tensor kind = torch::softmax(out.slice(0, kBlurKindOffset, kBlurKindOffset + 3), 0);
  const at::Tensor airlight = torch::sigmoid(out.slice(0, kAirlightOffset, kAirlightOffset + 3));
  Diagnosis d;
  d.backend = "diagnet";
  for (auto type : all_degradation_types()) {
    const int t = static_cast<int>(type);
    Finding& f = d.finding(type);
    const double p = presence[t].item<double>();
    f.present = p >= 0.5;
    f.confidence = f.present ? p : 1.0 - p;
    const double s = severity[t].item<double>();
    f.severity = f.present ? s : 0.0;
    // The main factor is reported even when absent: it is the network's best estimate.
    f.factors = {{main_factor_name(type), factor_from_severity(type, s)}};
    if (type == DegradationType::blur) {
      static const char* const kinds[] = {"gaussian", "defocus", "motion"};
      f.factors["kind"] = kinds[kind.argmax().item<std::int64_t>()];
    }
    if (type == DegradationType::haze)
      f.factors["airlight"] = {airlight[0].item<double>(), airlight[1].item<double>(), airlight[2].item<double>()};
  }
  return d;
}

std::vector<Tile> diagnosis_tiles(std::int64_t height, std::int64_t width, std::int64_t tile) {
  check(tile > 0, "diagnosis tiles: the tile size must be positive");
  const std::int64_t th = std::min(tile, height), tw = std::min(tile, width);
  std::vector<Tile> tiles;
  // A 3x3 grid of tile centres at 1/6, 1/2 and 5/6 of each side (a 1 MP image is read on 9
  // disjoint tiles), origins snapped down to the 8x8 grid. Nine tiles against the four of a 2x2
  // grid: haze F1 0.807 -> 0.849 on the held-out set (docs/notebook/reasoner.md, "Nine tiles").
  for (double fy : {1.0 / 6, 0.5, 5.0 / 6})
    for (double fx : {1.0 / 6, 0.5, 5.0 / 6}) {
      std::int64_t top = static_cast<std::int64_t>(fy * height) - th / 2;
      std::int64_t left = static_cast<std::int64_t>(fx * width) - tw / 2;
      top = std::clamp<std::int64_t>(top, 0, height - th) / 8 * 8;
      left = std::clamp<std::int64_t>(left, 0, width - tw) / 8 * 8;
      const Tile tile{top, left, th, tw};
      const bool duplicate = std::any_of(tiles.begin(), tiles.end(),
                                         [&](const Tile& t) { return t.top == tile.top && t.left == tile.left; });
      if (!duplicate) tiles.push_back(tile);
    }
  return tiles;
}

std::unique_ptr<Reasoner> load_diagnet_reasoner(const std::string& weights_path) {
  DiagNet net;
  load_diagnet_weights(net, weights_path);
  return std::make_unique<DiagNetReasoner>(std::move(net));
}

}  // namespace rirf
