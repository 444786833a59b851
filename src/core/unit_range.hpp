// Internal: pixels in [0, 1] without copying an image that already is.
#pragma once

#include <ATen/ATen.h>

namespace rirf::detail {

// The image itself when every value is in [0, 1], else a clamped copy. Clamping a photo that is
// already in range would copy it for nothing: 432 MB at 36 MP, and fresh memory is slow to touch
// (docs/notebook/benchmarks-history.md). One read pass decides.
inline at::Tensor in_unit_range(const at::Tensor& image) {
  const auto [low, high] = at::aminmax(image);
  return low.item<double>() >= 0.0 && high.item<double>() <= 1.0 ? image : image.clamp(0.0, 1.0);
}

}  // namespace rirf::detail
