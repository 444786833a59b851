// Internal: downscaling for whole-image statistics.
#pragma once

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <utility>

namespace rirf::detail {

// [h, w] scaled so that the long side is `max_side`, each side at least `min_side`.
inline std::pair<std::int64_t, std::int64_t> shrunk_size(std::int64_t h, std::int64_t w, std::int64_t max_side,
                                                         std::int64_t min_side = 1) {
  const double scale = static_cast<double>(max_side) / static_cast<double>(std::max(h, w));
  const auto side = [&](std::int64_t n) { return std::max<std::int64_t>(min_side, std::lround(static_cast<double>(n) * scale)); };
  return {side(h), side(w)};
}

// image: [N, C, H, W]. A bilinear copy whose long side is at most `max_side`; the image itself
// when it is already that small.
inline at::Tensor shrink_to(const at::Tensor& image, std::int64_t max_side) {
  if (std::max(image.size(2), image.size(3)) <= max_side) return image;
  const auto [nh, nw] = shrunk_size(image.size(2), image.size(3), max_side);
  return at::upsample_bilinear2d(image, {nh, nw}, false, {}, {});
}

// image: [N, C, H, W] float to [N, C, oh, ow], each output pixel the mean of its window as in
// adaptive_avg_pool2d (rows floor(i H / oh) to ceil((i + 1) H / oh), columns alike), in two
// separable passes, rows then columns: libtorch's adaptive pool took 4.2 ms to shrink a 1 MP
// image to 384 px, this 2.8. Unlike a bilinear shrink, every pixel counts.
at::Tensor area_average(const at::Tensor& image, std::int64_t oh, std::int64_t ow);

}  // namespace rirf::detail
