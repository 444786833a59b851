// Internal to the engine: one synthesis function per degradation type, behind rirf::apply.
// Every function takes [N, 3, H, W] float images in [0, 1] and returns a new tensor.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>

#include "core/filters.hpp"
#include "rirf/plan.hpp"
#include "rirf/rng.hpp"
#include "types/validation.hpp"

namespace rirf::detail {

at::Tensor add_noise(const at::Tensor& images, const NoiseFactors& f, std::uint64_t seed);
at::Tensor blur(const at::Tensor& images, const BlurFactors& f);  // f.kernel must be filled
at::Tensor add_rain(const at::Tensor& images, const RainFactors& f, std::uint64_t seed);
at::Tensor add_haze(const at::Tensor& images, const HazeFactors& f);
at::Tensor darken(const at::Tensor& images, const LowLightFactors& f, std::uint64_t seed);
at::Tensor jpeg_round_trip(const at::Tensor& images, const JpegFactors& f);

// The haze depth proxy d in [0, 1] (1 = far) for each image: [N, 1, H, W].
at::Tensor haze_depth_proxy(const at::Tensor& images);

}  // namespace rirf::detail
