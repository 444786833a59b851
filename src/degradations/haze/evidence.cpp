// Haze evidence: the dark channel prior (He et al. 2009), the median of 1 - 0.95 dark(I / A).
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <tuple>

#include "core/filters.hpp"
#include "degradations/evidence.hpp"
#include "reason/evidence/shared.hpp"
#include "rirf/error.hpp"

namespace rirf::evidence {

at::Tensor haze_density(const at::Tensor& images) {
  const at::Tensor x = images.to(at::kCPU, at::kFloat).contiguous();
  const std::int64_t n = x.size(0);
  const at::Tensor dark = patch_minimum(std::get<0>(x.min(1, true))).flatten(1);  // [N, P]
  const std::int64_t top = std::max<std::int64_t>(1, dark.size(1) / 1000);
  const at::Tensor brightest = std::get<1>(dark.topk(top, 1));  // [N, top]
  const at::Tensor airlight =
      x.flatten(2).gather(2, brightest.unsqueeze(1).expand({n, 3, top})).mean(2).view({n, 3, 1, 1}).clamp_min(0.05);
  const at::Tensor normalised_dark = patch_minimum(std::get<0>((x / airlight).min(1, true)));
  const at::Tensor t = (1.0 - 0.95 * normalised_dark).clamp(0.05, 1.0).flatten(1);
  return (1.0 - lower_median(t)).clamp(0.0, 0.95).to(at::kDouble);
}

}  // namespace rirf::evidence

namespace rirf::degradations {

ClassicalReading classical_reading(std::in_place_type_t<HazeFactors>, const ClassicalView& view) {
  return {evidence::haze_density(view.global)[0].item<double>(), 0.2, 0.05};
}

}  // namespace rirf::degradations
