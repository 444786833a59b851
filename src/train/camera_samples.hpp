// Internal: training samples shot by the camera-like renderer (include/rirf/camera.hpp), so that
// DiagNet learns damage as a camera makes it: demosaiced, tone-mapped, sharpened noise; shake and
// under-exposure before the development; a camera's own sharpening and base-ISO noise as clean.
#pragma once

#include <ATen/ATen.h>

#include "rirf/degrade.hpp"
#include "rirf/rng.hpp"

namespace rirf {

struct CameraSample {
  at::Tensor image;          // [1, 3, H', W'] 8-bit values (H, W cropped to even)
  DegradationPlan truth;     // what the camera put in the photo, as a plan (the label)
};

// A plan drawn by `sampling` over noise, blur, low light and JPEG (the types a camera makes; haze
// and rain are scene effects the engine makes), shot on `crop` by a random camera: white balance,
// sharpening, base-ISO noise, and a JPEG encode of quality 92-96 that counts as clean, like
// camera_realism's. The noise label is the noise measured in the development (its sigma over
// mid-tones), dropped below severity 10 as the engine never draws it; the other labels are the
// plan's steps.
CameraSample camera_sample(const at::Tensor& crop, SampleOptions sampling, Rng& rng);

}  // namespace rirf
