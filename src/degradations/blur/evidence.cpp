// Blur evidence: how much gradient energy and edge strength a known extra blur removes (an
// already blurred image loses less), isotropic and per direction (motion blur smears one way).
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <tuple>

#include "core/filters.hpp"
#include "degradations/evidence.hpp"
#include "reason/evidence/shared.hpp"
#include "rirf/error.hpp"

namespace rirf::evidence {

at::Tensor energy_ratio(const at::Tensor& y, const at::Tensor& blurred_1px) {
  const auto energy = [](const at::Tensor& t) {
    const at::Tensor dx = t.slice(3, 1) - t.slice(3, 0, -1), dy = t.slice(2, 1) - t.slice(2, 0, -1);
    return (dx.pow(2).mean({1, 2, 3}) + dy.pow(2).mean({1, 2, 3})).to(at::kDouble);
  };
  const at::Tensor e0 = energy(y);
  const at::Tensor r = (energy(blurred_1px) / e0.clamp_min(1e-12)).clamp(0.0, 0.995);
  return at::where(e0 > 1e-12, r, at::zeros_like(r));
}

at::Tensor edge_ratio(const at::Tensor& y, const at::Tensor& blurred) {
  if (y.size(2) < 3 || y.size(3) < 3) return at::zeros({y.size(0)}, at::kDouble);
  return sharpness_ratio(y, blurred, [](const at::Tensor& t) {
    const at::Tensor dx = t.slice(3, 1) - t.slice(3, 0, -1), dy = t.slice(2, 1) - t.slice(2, 0, -1);
    const at::Tensor magnitude = (dx.slice(2, 0, -1).pow(2) + dy.slice(3, 0, -1).pow(2)).sqrt();
    return percentile(magnitude.flatten(1), 99.0).to(at::kDouble);
  });
}

at::Tensor directional_ratio(const at::Tensor& y, const at::Tensor& blurred) {
  const std::int64_t n = y.size(0);
  if (y.size(2) < 3 || y.size(3) < 3) return at::zeros({n, 2}, at::kDouble);
  // 99th percentile of |derivative| along 0, 45, 90 and 135 degrees: [N, 4].
  const at::Tensor r = sharpness_ratio(y, blurred, [n](const at::Tensor& t) {
    const at::Tensor dx = (t.slice(3, 1) - t.slice(3, 0, -1)).slice(2, 0, -1);
    const at::Tensor dy = (t.slice(2, 1) - t.slice(2, 0, -1)).slice(3, 0, -1);
    const at::Tensor directions = at::stack({dx, (dx + dy) * M_SQRT1_2, dy, (dx - dy) * M_SQRT1_2}, 1).abs();
    return percentile(directions.reshape({n * 4, -1}), 99.0).view({n, 4}).to(at::kDouble);
  });
  return at::stack({std::get<0>(r.max(1)), std::get<0>(r.min(1))}, 1);
}

at::Tensor gradient_energy_ratio(const at::Tensor& images) {
  const at::Tensor y = luma_of(images);
  return energy_ratio(y, detail::gaussian_blur(y, 1.0));
}

at::Tensor edge_sharpness_ratio(const at::Tensor& images, double extra_sigma) {
  const at::Tensor y = luma_of(images);
  return edge_ratio(y, detail::gaussian_blur(y, extra_sigma));
}

at::Tensor directional_sharpness_ratio(const at::Tensor& images, double extra_sigma) {
  const at::Tensor y = luma_of(images);
  return directional_ratio(y, detail::gaussian_blur(y, extra_sigma));
}

}  // namespace rirf::evidence

namespace rirf::degradations {

// The gradient energy ratio inverted for the edge's blur sigma_b, less the softness of a sharp,
// downscaled photo's own edges, as an extent (twice the RMS radius).
ClassicalReading classical_reading(std::in_place_type_t<BlurFactors>, const ClassicalView& view) {
  const double r = evidence::gradient_energy_ratio(view.crop)[0].item<double>();
  const double sigma_b = r / std::sqrt(1.0 - r * r);
  constexpr double kIntrinsic = 0.75;
  const double extent =
      2.0 * std::sqrt(2.0) * std::sqrt(std::max(0.0, sigma_b * sigma_b - kIntrinsic * kIntrinsic));
  return {extent, 1.2, 0.4};
}

}  // namespace rirf::degradations
