// Sensor-like noise: Gaussian, or signal-dependent Poisson-Gaussian (shot + read), optionally
// spatially correlated (as after demosaicing and denoising in a camera) and optionally shared by
// the channels (luminance noise). See NoiseFactors for the variance model.
#include <cmath>

#include "degradations/synthesis.hpp"

namespace rirf::degradations {

at::Tensor synthesize(const at::Tensor& images, const NoiseFactors& f, std::uint64_t seed) {
  // images: [N, 3, H, W]
  if (f.sigma <= 0) return images.clone();
  auto gen = detail::make_generator(seed);
  const auto n = images.size(0), h = images.size(2), w = images.size(3);
  at::Tensor field = detail::random_normal({n, f.channel_shared ? 1 : 3, h, w}, gen, images);
  if (f.correlation_px > 0) {
    // Blurring white noise lowers its std by the taps' L2 norm (per axis); undo that.
    const double norm = detail::gaussian_taps(f.correlation_px).pow(2).sum().item<double>();
    field = detail::gaussian_blur(field, f.correlation_px) / norm;
  }
  const double var_mid = std::pow(f.sigma / 255.0, 2);
  const double shot = f.signal_dependence * var_mid / 0.5;
  const double read_var = (1.0 - f.signal_dependence) * var_mid;
  const at::Tensor stddev = at::sqrt(images.clamp(0.0, 1.0) * shot + read_var);
  return (images + stddev * field).clamp(0.0, 1.0);
}

}  // namespace rirf::degradations
