// Internal: bilinear downscaling for whole-image statistics.
#pragma once

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

namespace rirf::detail {

// image: [N, C, H, W]. A bilinear copy whose long side is at most `max_side`; the image itself
// when it is already that small.
inline at::Tensor shrink_to(const at::Tensor& image, std::int64_t max_side) {
  const auto h = image.size(2), w = image.size(3);
  const double scale = static_cast<double>(max_side) / static_cast<double>(std::max(h, w));
  if (scale >= 1.0) return image;
  const auto nh = std::max<std::int64_t>(1, std::lround(h * scale)), nw = std::max<std::int64_t>(1, std::lround(w * scale));
  return at::upsample_bilinear2d(image, {nh, nw}, false, {}, {});
}

}  // namespace rirf::detail
