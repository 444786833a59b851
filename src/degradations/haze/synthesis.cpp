// Haze by the atmospheric scattering model I = J t + A (1 - t), t = exp(-beta d).
//
// Depth proxy (no depth sensor in a photo): d = 0.6 * v + 0.4 * s, where v runs from 1 at the
// top row to 0 at the bottom (the upper part of a photo is usually further away: sky, horizon)
// and s is the image's luminance smoothed over ~1/16 of its size (bright, flat regions such as
// sky and distant walls read as far). d is in [0, 1]; density = 1 - exp(-beta / 2) is the haze
// at mid depth, so the same density means the same haze on every image size.
#include <cmath>

#include "degradations/synthesis.hpp"

namespace rirf::degradations {

at::Tensor haze_depth_proxy(const at::Tensor& images) {
  // images: [N, 3, H, W]
  const auto h = images.size(2), w = images.size(3);
  const auto factor = std::max<std::int64_t>(1, std::min(h, w) / 32);
  at::Tensor smooth = at::avg_pool2d(detail::luma(images), {factor, factor}, {factor, factor}, {0, 0}, true);
  smooth = detail::gaussian_blur(smooth, 1.5);
  smooth = at::upsample_bilinear2d(smooth, {h, w}, false);
  const at::Tensor vertical = at::linspace(1.0, 0.0, h, images.options()).view({1, 1, h, 1});
  return (0.6 * vertical + 0.4 * smooth).clamp(0.0, 1.0);
}

at::Tensor synthesize(const at::Tensor& images, const HazeFactors& f, std::uint64_t /*seed*/) {
  if (f.density <= 0) return images.clone();
  const double beta = -2.0 * std::log(1.0 - f.density);
  const at::Tensor t = at::exp(-beta * haze_depth_proxy(images));
  const at::Tensor airlight =
      at::tensor({f.airlight[0], f.airlight[1], f.airlight[2]}, images.options()).view({1, 3, 1, 1});
  return (images * t + airlight * (1.0 - t)).clamp(0.0, 1.0);
}

}  // namespace rirf::degradations
