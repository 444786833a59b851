// Scene attributes measured on the image itself: evidence for the reasoning steps.
#pragma once

#include <ATen/core/Tensor.h>

#include "rirf/diagnosis.hpp"

namespace rirf {

// image: [1, 3, H, W] in [0, 1]. Measured on a copy at most 512 px on the long side.
SceneAttributes measure_scene(const at::Tensor& image);

}  // namespace rirf
