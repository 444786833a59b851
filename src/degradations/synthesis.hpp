// The engine's side of each degradation: how it is made. One `synthesize` per row of the
// degradation table, defined in src/degradations/<name>/synthesis.cpp; rirf::apply calls the one
// a step's factors select. Each takes [N, 3, H, W] float images in [0, 1] and returns a new
// tensor; `seed` is the step's random stream (types without randomness ignore it).
#pragma once

#include <ATen/ATen.h>

#include <cstdint>

#include "core/filters.hpp"
#include "rirf/plan.hpp"
#include "rirf/rng.hpp"

namespace rirf::degradations {

#define RIRF_DECLARE_SYNTHESIS(name, Factors) \
  at::Tensor synthesize(const at::Tensor& images, const Factors& factors, std::uint64_t seed);
RIRF_DEGRADATIONS(RIRF_DECLARE_SYNTHESIS, )
#undef RIRF_DECLARE_SYNTHESIS

// Pieces other engine parts reuse (the camera renderer, the restorer's tests):
// the blur kernel convolved with the images (factors.kernel must be filled), ...
at::Tensor convolve_kernel(const at::Tensor& images, const BlurFactors& factors);
// ... and the haze depth proxy d in [0, 1] (1 = far) of each image: [N, 1, H, W].
at::Tensor haze_depth_proxy(const at::Tensor& images);

}  // namespace rirf::degradations
