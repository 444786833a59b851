// The Restorer behind `rirf restore`: RestorerNet over blended tiles (restore/net_run.hpp), then
// a diagnosed blur deconvolved (restore/deconvolution.hpp).
#include <torch/torch.h>

#include <algorithm>

#include "restore/condition.hpp"
#include "restore/deconvolution.hpp"
#include "restore/net_run.hpp"
#include "restore/restorer_weights.hpp"
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

class NetRestorer : public Restorer {
 public:
  explicit NetRestorer(RestorerNet net) : net_(std::move(net)) { net_->eval(); }

  at::Tensor restore(const at::Tensor& image, const Diagnosis& diagnosis, const RestoreOptions& options,
                     const std::function<void(int, int)>& progress) override {
    const auto [x, request] = restore_input(*this, image, diagnosis, options);
    torch::InferenceMode guard;
    // Nothing found (or nothing the user asked to undo): the input comes back as it was. The
    // network is close to the identity there, but a photo the reasoner calls clean should not
    // change at all, and skipping it is free.
    if (conditioned() && nothing_to_undo(request)) return x.clone();
    const at::Tensor condition = condition_tensor(request);
    const int views = ensemble_views(options, request.finding(DegradationType::haze).present);
    at::Tensor out = run_restorer_net(net_, x, condition, options, views, progress);
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
  std::string describe() const override { return describe_net(net_); }

 private:
  RestorerNet net_;
};

}  // namespace

std::unique_ptr<Restorer> load_restorer(const std::string& weights_path) {
  return std::make_unique<NetRestorer>(load_restorer_net(weights_path));
}

}  // namespace rirf
