// Internal: image filters and seeded random fields shared by the engine, the reasoner's evidence
// and the restorer. Every function takes [N, C, H, W] float images and returns a new tensor.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>

namespace rirf::detail {

// Random fields are always drawn on the CPU from a seeded generator, then moved to the images'
// device: the same plan gives the same noise on a CPU and a GPU.
at::Generator make_generator(std::uint64_t seed);
at::Tensor random_normal(at::IntArrayRef sizes, at::Generator& gen, const at::Tensor& like);
at::Tensor random_uniform(at::IntArrayRef sizes, at::Generator& gen, const at::Tensor& like);

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

}  // namespace rirf::detail
