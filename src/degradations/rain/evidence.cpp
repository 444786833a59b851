// Rain evidence: bright thin residuals that continue along a near-vertical direction more than
// across it; their area share.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>

#include "core/filters.hpp"
#include "degradations/evidence.hpp"
#include "reason/evidence/shared.hpp"
#include "rirf/error.hpp"

namespace rirf::evidence {

at::Tensor rain_from_luma(const at::Tensor& y) {
  const std::int64_t n = y.size(0), h = y.size(2), w = y.size(3);
  if (h < 8 || w < 8) return at::zeros({n}, at::kDouble);
  const at::Tensor mask = ((y - detail::gaussian_blur(y, 2.0)) > 0.04).to(at::kFloat).squeeze(1);  // [N, H, W]
  const at::Tensor area = mask.mean({1, 2}).to(at::kDouble);
  // Continuation 3 px along a direction: P(mask at p + d | mask at p).
  const auto continuation = [&](int dy, int dx) {
    const at::Tensor a = mask.slice(1, 0, h - dy).slice(2, std::max(0, -dx), w - std::max(0, dx));
    const at::Tensor b = mask.slice(1, dy, h).slice(2, std::max(0, dx), w - std::max(0, -dx));
    return (a * b).sum({1, 2}).to(at::kDouble) / a.sum({1, 2}).to(at::kDouble).clamp_min(1.0);
  };
  at::Tensor along = continuation(3, -1);  // within ~20 deg of vertical
  for (int dx = 0; dx <= 1; ++dx) along = at::maximum(along, continuation(3, dx));
  const at::Tensor across = continuation(0, 3);
  const at::Tensor oriented = (along - across).clamp_min(0.0) / along.clamp_min(1e-6);
  const at::Tensor coverage = (area * oriented).clamp(0.0, 0.5);
  return at::where(area >= 1e-4, coverage, at::zeros_like(coverage));
}

at::Tensor rain_coverage(const at::Tensor& images) { return rain_from_luma(luma_of(images)); }

}  // namespace rirf::evidence

namespace rirf::degradations {

ClassicalReading classical_reading(std::in_place_type_t<RainFactors>, const ClassicalView& view) {
  return {evidence::rain_coverage(view.crop)[0].item<double>(), 0.008, 0.004};
}

}  // namespace rirf::degradations
