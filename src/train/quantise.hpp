// Internal: a training sample stored as a file would store it. (src/degrade/camera.cpp keeps its
// own copy: the degrade layer does not expose one, and train may not be included below.)
#pragma once

#include <ATen/ATen.h>

namespace rirf::train {

// 8-bit quantisation, as a degraded image would be stored.
inline at::Tensor quantise(const at::Tensor& x) { return (x.clamp(0, 1) * 255.0).round() / 255.0; }

}  // namespace rirf::train
