// The Restorer behind `rirf restore`: RestorerNet over blended tiles, in inference mode,
// channels-last (faster convolutions on this CPU, see docs/notebook/restorer.md), then a diagnosed blur
// deconvolved (restore/deconvolution.hpp).
#include <torch/torch.h>

#include <algorithm>

#include "core/unit_range.hpp"
#include "restore/condition.hpp"
#include "restore/deconvolution.hpp"
#include "restore/restorer_weights.hpp"
#include "restore/tiling.hpp"
#include "rirf/error.hpp"
#include "rirf/restorer.hpp"

namespace rirf {

void RestoreOptions::validate() const {
  check_option(tile >= 64 && tile <= 8192, "tile", "must be in [64, 8192], got " + std::to_string(tile));
  check_option(overlap >= 0 && overlap <= tile / 2, "overlap",
               "must be in [0, tile / 2] = [0, " + std::to_string(tile / 2) + "], got " + std::to_string(overlap));
  check_option(strength >= 0 && strength <= 1, "strength", "must be in [0, 1], got " + std::to_string(strength));
  check_option(ensemble == 1 || ensemble == 2 || ensemble == 4, "ensemble",
               "must be 1, 2 or 4, got " + std::to_string(ensemble));
}

void check_restore_options(const Restorer& restorer, const RestoreOptions& options) {
  options.validate();
  // Silently undoing a type the user asked to keep would be worse than saying so.
  check_option(restorer.conditioned() || options.only.empty(), "only",
               "needs the conditioned restorer; the blind twin reads no diagnosis and undoes all it can");
}

namespace {

// View k of the self-ensemble (bit 0: mirrored left-right, bit 1: upside down); the first 2 and
// the first 4 views are each closed under composition, so their average is equivariant.
// Transposed views were measured too and cost the derain suite 3 dB: rain falls, and the
// network learnt streaks that do (docs/notebook/restorer.md, "Self-ensemble").
at::Tensor ensemble_view(at::Tensor x, int k) {
  if (k & 1) x = x.flip({3});
  if (k & 2) x = x.flip({2});
  return x;
}

class NetRestorer : public Restorer {
 public:
  explicit NetRestorer(RestorerNet net) : net_(std::move(net)) { net_->eval(); }

  at::Tensor restore(const at::Tensor& image, const Diagnosis& diagnosis, const RestoreOptions& options,
                     const std::function<void(int, int)>& progress) override {
    check_restore_options(*this, options);
    check(image.dim() == 4 && image.size(0) == 1 && image.size(1) == 3, "restore: expected an image [1, 3, H, W]");
    torch::InferenceMode guard;
    KeepMask keep{};
    if (!options.only.empty())
      for (auto type : all_degradation_types())
        keep[static_cast<int>(type)] = std::find(options.only.begin(), options.only.end(), type) == options.only.end();
    // Nothing found (or nothing the user asked to undo): the input comes back as it was. The
    // network is close to the identity there, but a photo the reasoner calls clean should not
    // change at all, and skipping it is free.
    const at::Tensor x = detail::in_unit_range(image.to(at::kCPU, at::kFloat));
    const Diagnosis request = restoration_request(diagnosis, keep);  // kept types told absent
    if (conditioned() && nothing_to_undo(request)) return x.clone();
    Condition values = condition_from_diagnosis(request);
    const at::Tensor condition = torch::from_blob(values.data(), {1, kConditionSize}, torch::kFloat).clone();
    const bool undo_haze = request.finding(DegradationType::haze).present;
    const int views = undo_haze ? std::min(options.ensemble, 2) : options.ensemble;
    const auto run = [&](const at::Tensor& tile) {
      at::Tensor sum;
      for (int k = 0; k < views; ++k) {
        const at::Tensor view = ensemble_view(tile, k).contiguous(at::MemoryFormat::ChannelsLast);
        const at::Tensor restored = ensemble_view(net_->forward(view, condition), k);  // each view is its own inverse
        sum = k == 0 ? restored.contiguous() : sum.add_(restored);
      }
      return views == 1 ? sum : sum.div_(views);
    };
    at::Tensor out = run_tiled(x, options.tile, options.overlap, std::int64_t{1} << net_->options().levels(), run, progress);
    // Blur last: the network has removed the noise a deconvolution would amplify. The blind twin
    // has no diagnosis, so no kernel.
    if (conditioned() && options.deconvolve)
      if (const auto kernel = deconvolution_kernel(request.finding(DegradationType::blur)))
        out = deconvolve(out, *kernel, kDeconvolutionLambda, options.tile);
    if (options.strength != 1.0) out.sub_(x).mul_(options.strength).add_(x);
    return out.clamp_(0, 1);
  }

  bool conditioned() const override { return net_->options().conditioned; }
  double macs_per_pixel() const override { return net_->macs_per_pixel(); }
  std::string describe() const override {
    std::int64_t count = 0;
    for (const auto& p : net_->parameters()) count += p.numel();
    const auto& o = net_->options();
    char text[160];
    std::snprintf(text, sizeof text, "RestorerNet%s, width %d, %d levels, %.2fM parameters, %.1f kMAC/px",
                  o.conditioned ? "" : " (blind twin)", o.width, o.levels(), count / 1e6, macs_per_pixel() / 1e3);
    return text;
  }

 private:
  RestorerNet net_;
};

}  // namespace

std::unique_ptr<Restorer> load_restorer(const std::string& weights_path) {
  return std::make_unique<NetRestorer>(load_restorer_net(weights_path));
}

}  // namespace rirf
