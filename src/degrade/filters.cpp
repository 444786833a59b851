// Filters shared by the degradations: convolution, Gaussian blur, sRGB transfer functions.
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

#include "degrade/ops.hpp"

namespace rirf::detail {

at::Generator make_generator(std::uint64_t seed) { return at::detail::createCPUGenerator(seed); }

at::Tensor random_normal(at::IntArrayRef sizes, at::Generator& gen, const at::Tensor& like) {
  return at::randn(sizes, gen, like.options().device(at::kCPU)).to(like.device());
}

at::Tensor random_uniform(at::IntArrayRef sizes, at::Generator& gen, const at::Tensor& like) {
  return at::rand(sizes, gen, like.options().device(at::kCPU)).to(like.device());
}

at::Tensor convolve(const at::Tensor& images, const at::Tensor& kernel) {
  // images: [N, C, H, W]; kernel: [kh, kw]
  const auto n = images.size(0), c = images.size(1), h = images.size(2), w = images.size(3);
  const auto kh = kernel.size(0), kw = kernel.size(1);
  const auto rh = kh / 2, rw = kw / 2;
  const at::Tensor flat = images.reshape({n * c, 1, h, w});
  const at::Tensor k = kernel.to(images.options());
  const at::Tensor padded = at::replication_pad2d(flat, {rw, rw, rh, rh});
  if (kh * kw <= 81) {
    // conv2d correlates; flipping the kernel makes it a convolution.
    return at::conv2d(padded, k.flip({0, 1}).view({1, 1, kh, kw})).reshape({n, c, h, w});
  }
  // Circular convolution of the padded image: wrap-around only touches the pad, which is cropped.
  const auto hp = padded.size(2), wp = padded.size(3);
  at::Tensor kp = at::zeros({hp, wp}, k.options());
  kp.slice(0, 0, kh).slice(1, 0, kw).copy_(k);
  kp = at::roll(kp, {-rh, -rw}, {0, 1});
  const at::Tensor spectrum = at::fft_rfft2(padded) * at::fft_rfft2(kp);
  const at::Tensor full = at::fft_irfft2(spectrum, at::IntArrayRef{hp, wp});
  return full.slice(2, rh, rh + h).slice(3, rw, rw + w).reshape({n, c, h, w}).contiguous();
}

at::Tensor gaussian_taps(double sigma) {
  const int radius = std::max(1, static_cast<int>(std::ceil(3.0 * sigma)));
  const at::Tensor x = at::arange(-radius, radius + 1, at::kFloat);
  const at::Tensor taps = at::exp(-0.5 * x * x / (sigma * sigma));
  return taps / taps.sum();
}

at::Tensor gaussian_blur(const at::Tensor& images, double sigma) {
  if (sigma <= 0) return images.clone();
  const auto n = images.size(0), c = images.size(1), h = images.size(2), w = images.size(3);
  const at::Tensor taps = gaussian_taps(sigma).to(images.options());
  const auto r = taps.size(0) / 2;
  at::Tensor x = images.reshape({n * c, 1, h, w});
  x = at::conv2d(at::replication_pad2d(x, {0, 0, r, r}), taps.view({1, 1, -1, 1}));
  x = at::conv2d(at::replication_pad2d(x, {r, r, 0, 0}), taps.view({1, 1, 1, -1}));
  return x.reshape({n, c, h, w});
}

at::Tensor luma(const at::Tensor& images) {
  return (images.select(1, 0) * 0.299 + images.select(1, 1) * 0.587 + images.select(1, 2) * 0.114).unsqueeze(1);
}

at::Tensor srgb_to_linear(const at::Tensor& x) {
  return at::where(x <= 0.04045, x / 12.92, at::pow((x + 0.055) / 1.055, 2.4));
}

at::Tensor linear_to_srgb(const at::Tensor& x) {
  const at::Tensor c = x.clamp_min(0.0);
  return at::where(c <= 0.0031308, c * 12.92, 1.055 * at::pow(c, 1.0 / 2.4) - 0.055);
}

}  // namespace rirf::detail
