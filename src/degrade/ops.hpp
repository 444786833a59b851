// Internal: the per-type image operations behind rirf::apply, and the filters they share.
// Every function takes [N, 3, H, W] float images in [0, 1] and returns a new tensor.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>

#include "rirf/degrade.hpp"

namespace rirf::detail {

// Random fields are always drawn on the CPU from a seeded generator, then moved to the images'
// device: the same plan gives the same noise on a CPU and a GPU.
at::Generator make_generator(std::uint64_t seed);
at::Tensor random_normal(at::IntArrayRef sizes, at::Generator& gen, const at::Tensor& like);
at::Tensor random_uniform(at::IntArrayRef sizes, at::Generator& gen, const at::Tensor& like);

// Throws Error "<field>: must be in [lo, hi], got v" unless v is finite and in range.
void check_range(const std::string& field, double v, double lo, double hi);
// Throws Error naming `prefix` + the bad field (e.g. "plan.steps[1].factors.sigma: ...").
void validate_step(const DegradationStep& step, const std::string& prefix);

// Same-size convolution with replicated borders; kernel [kh, kw], odd sizes. Direct for small
// kernels, FFT for large ones (the two agree to float precision).
at::Tensor convolve(const at::Tensor& images, const at::Tensor& kernel);
// Separable Gaussian blur with std `sigma` px, replicated borders.
at::Tensor gaussian_blur(const at::Tensor& images, double sigma);
// Normalised 1-D Gaussian taps, radius ceil(3 sigma).
at::Tensor gaussian_taps(double sigma);

// BT.601 luma of [N, 3, H, W] images: [N, 1, H, W].
at::Tensor luma(const at::Tensor& images);

at::Tensor srgb_to_linear(const at::Tensor& x);
at::Tensor linear_to_srgb(const at::Tensor& x);

// Fills factors.kernel / kernel_size from kind, extent and angle, then sets extent_px to the
// kernel's measured extent.
void generate_blur_kernel(BlurFactors& factors, std::uint64_t seed);
// Twice the RMS radius of a kernel about its centroid.
double kernel_extent(const std::vector<float>& kernel, int size);

at::Tensor add_noise(const at::Tensor& images, const NoiseFactors& f, std::uint64_t seed);
at::Tensor blur(const at::Tensor& images, const BlurFactors& f);
at::Tensor add_rain(const at::Tensor& images, const RainFactors& f, std::uint64_t seed);
at::Tensor add_haze(const at::Tensor& images, const HazeFactors& f);
at::Tensor darken(const at::Tensor& images, const LowLightFactors& f, std::uint64_t seed);
at::Tensor jpeg_round_trip(const at::Tensor& images, const JpegFactors& f);

// The haze depth proxy d in [0, 1] (1 = far) for each image: [N, 1, H, W].
at::Tensor haze_depth_proxy(const at::Tensor& images);

}  // namespace rirf::detail
