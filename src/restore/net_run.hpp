// Internal: one RestorerNet over an image's tiles, in inference mode, channels-last (faster
// convolutions on this CPU, docs/notebook/restorer.md), with the self-ensemble; shared by the
// all-in-one restorer and the routed experts.
#pragma once

#include <ATen/core/Tensor.h>

#include <functional>
#include <string>

#include "restore/restorer_model.hpp"
#include "rirf/restorer.hpp"

namespace rirf {

// x: [1, 3, H, W] in [0, 1]; condition: [1, kConditionSize], or undefined for the blind twin.
// Each tile is restored `views` times (ensemble_view 0 .. views-1) and the results averaged.
at::Tensor run_restorer_net(RestorerNet& net, const at::Tensor& x, const at::Tensor& condition,
                            const RestoreOptions& options, int views, const std::function<void(int, int)>& progress);

// How many self-ensemble views a request gets: options.ensemble, at most 2 when haze is to be
// undone (upside down, a scene's haze runs the wrong way; RestoreOptions::ensemble).
int ensemble_views(const RestoreOptions& options, bool undo_haze);

// What every Restorer::restore starts with: the options checked against `restorer`, the image's
// shape checked, the image in [0, 1] on the CPU, and the request (kept types told absent, JPEG
// alone also as a faint noise; restore/condition.hpp).
struct RestoreInput {
  at::Tensor x;
  Diagnosis request;
};
RestoreInput restore_input(const Restorer& restorer, const at::Tensor& image, const Diagnosis& diagnosis,
                           const RestoreOptions& options);

// "RestorerNet, width 16, 3 levels, 0.47M parameters, 18.9 kMAC/px" (with "(blind twin)").
std::string describe_net(const RestorerNet& net);

}  // namespace rirf
