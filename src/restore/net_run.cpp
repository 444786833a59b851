#include "restore/net_run.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <cstdio>

#include "core/unit_range.hpp"
#include "restore/condition.hpp"
#include "restore/tiling.hpp"
#include "rirf/error.hpp"

namespace rirf {
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

}  // namespace

int ensemble_views(const RestoreOptions& options, bool undo_haze) {
  return undo_haze ? std::min(options.ensemble, 2) : options.ensemble;
}

at::Tensor run_restorer_net(RestorerNet& net, const at::Tensor& x, const at::Tensor& condition,
                            const RestoreOptions& options, int views, const std::function<void(int, int)>& progress) {
  torch::InferenceMode guard;
  const auto run = [&](const at::Tensor& tile) {
    at::Tensor sum;
    for (int k = 0; k < views; ++k) {
      const at::Tensor view = ensemble_view(tile, k).contiguous(at::MemoryFormat::ChannelsLast);
      const at::Tensor restored = ensemble_view(net->forward(view, condition), k);  // each view is its own inverse
      sum = k == 0 ? restored.contiguous() : sum.add_(restored);
    }
    return views == 1 ? sum : sum.div_(views);
  };
  return run_tiled(x, options.tile, options.overlap, std::int64_t{1} << net->options().levels(), run, progress);
}

RestoreInput restore_input(const Restorer& restorer, const at::Tensor& image, const Diagnosis& diagnosis,
                           const RestoreOptions& options) {
  check_restore_options(restorer, options);
  check(image.dim() == 4 && image.size(0) == 1 && image.size(1) == 3, "restore: expected an image [1, 3, H, W]");
  return {detail::in_unit_range(image.to(at::kCPU, at::kFloat)), restoration_request(diagnosis, keep_mask(options.only))};
}

std::string describe_net(const RestorerNet& net) {
  std::int64_t count = 0;
  for (const auto& p : net->parameters()) count += p.numel();
  const auto& o = net->options();
  char text[160];
  std::snprintf(text, sizeof text, "RestorerNet%s, width %d, %d levels, %.2fM parameters, %.1f kMAC/px",
                o.conditioned ? "" : " (blind twin)", o.width, o.levels(), count / 1e6, net->macs_per_pixel() / 1e3);
  return text;
}

}  // namespace rirf
