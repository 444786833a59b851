// Low light as a camera makes it: under-exposure in linear light, a white-balance cast, the shot
// and read noise that a dark exposure carries (relative to the little signal there is), then the
// sRGB curve and an extra tone gamma.
#include <cmath>

#include "degradations/synthesis.hpp"

namespace rirf::degradations {

at::Tensor synthesize(const at::Tensor& images, const LowLightFactors& f, std::uint64_t seed) {
  // images: [N, 3, H, W]
  const at::Tensor gain = at::tensor({f.color_gain[0], f.color_gain[1], f.color_gain[2]}, images.options())
                              .view({1, 3, 1, 1}) *
                          std::exp2(-f.exposure_ev);
  at::Tensor linear = detail::srgb_to_linear(images.clamp(0.0, 1.0)) * gain;
  if (f.shot_noise > 0 || f.read_noise > 0) {
    auto gen = detail::make_generator(seed);
    const at::Tensor field = detail::random_normal(linear.sizes(), gen, images);
    linear = linear + at::sqrt(linear.clamp_min(0.0) * f.shot_noise + f.read_noise * f.read_noise) * field;
  }
  at::Tensor out = detail::linear_to_srgb(linear.clamp(0.0, 1.0));
  if (f.gamma != 1.0) out = at::pow(out, f.gamma);
  return out.clamp(0.0, 1.0);
}

}  // namespace rirf::degradations
