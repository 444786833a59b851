// A camera-like rendering of a clean photo (include/rirf/camera.hpp): unprocess to a linear raw
// mosaic, damage it where a camera is damaged, develop it again.
#include "rirf/camera.hpp"

#include <ATen/ATen.h>

#include <cmath>
#include <string>

#include "degradations/synthesis.hpp"
#include "types/validation.hpp"
#include "rirf/error.hpp"

namespace rirf {
namespace {

// Brooks et al.'s global tone curve and its exact inverse.
at::Tensor smoothstep(const at::Tensor& x) { return x * x * (3.0 - 2.0 * x); }
at::Tensor inverse_smoothstep(const at::Tensor& y) {
  return 0.5 - at::sin(at::asin(1.0 - 2.0 * y.clamp(0.0, 1.0)) / 3.0);
}

// Per-channel gains as a [1, 3, 1, 1] tensor: red, green (1), blue.
at::Tensor channel_gains(const std::array<double, 2>& red_blue, const at::Tensor& like) {
  return at::tensor({red_blue[0], 1.0, red_blue[1]}, like.options()).view({1, 3, 1, 1});
}

// The RGGB colour filter array: [1, 3, H, W] masks, one where the sensor samples that colour.
at::Tensor bayer_masks(std::int64_t h, std::int64_t w, const at::Tensor& like) {
  const at::Tensor even_row = (at::arange(h, like.options()).remainder(2) == 0).to(like.scalar_type()).view({h, 1});
  const at::Tensor even_col = (at::arange(w, like.options()).remainder(2) == 0).to(like.scalar_type()).view({1, w});
  const at::Tensor odd_row = 1.0 - even_row, odd_col = 1.0 - even_col;
  const at::Tensor red = even_row * even_col, blue = odd_row * odd_col;
  const at::Tensor green = even_row * odd_col + odd_row * even_col;
  return at::stack({red, green, blue}).unsqueeze(0);
}

// Bilinear demosaicing: each colour plane's samples interpolated from its nearest neighbours.
// mosaic: [N, 3, H, W] with zeros where the filter array does not sample the colour. Reflected
// borders keep the mosaic's period (row -1 mirrors row 1, which has row -1's colours).
at::Tensor demosaic_bilinear(const at::Tensor& mosaic) {
  const at::Tensor red_blue =
      at::tensor({1.0, 2.0, 1.0, 2.0, 4.0, 2.0, 1.0, 2.0, 1.0}, mosaic.options()).view({1, 1, 3, 3}) / 4.0;
  const at::Tensor green =
      at::tensor({0.0, 1.0, 0.0, 1.0, 4.0, 1.0, 0.0, 1.0, 0.0}, mosaic.options()).view({1, 1, 3, 3}) / 4.0;
  const at::Tensor kernels = at::cat({red_blue, green, red_blue}, 0);  // [3, 1, 3, 3], one per channel
  return at::conv2d(at::reflection_pad2d(mosaic, {1, 1, 1, 1}), kernels, at::Tensor(), at::IntArrayRef{1},
                    at::IntArrayRef{0}, at::IntArrayRef{1}, 3);
}

// 8-bit values, as a camera writes them.
at::Tensor quantise(const at::Tensor& x) { return (x.clamp(0.0, 1.0) * 255.0).round() / 255.0; }

// Everything after the sensor: demosaic, white balance, gamma, tone curve, sharpening.
at::Tensor develop(const at::Tensor& mosaic, const CameraShot& shot) {
  at::Tensor rgb = demosaic_bilinear(mosaic) * channel_gains(shot.white_balance, mosaic);
  at::Tensor out = smoothstep(detail::linear_to_srgb(rgb.clamp(0.0, 1.0)));
  if (shot.sharpen > 0) out = out + shot.sharpen * (out - detail::gaussian_blur(out, 1.0));
  return out.clamp(0.0, 1.0);
}

}  // namespace

void CameraShot::validate() const {
  using detail::check_range;
  check_range("camera.haze_density", haze_density, 0, 0.95);
  for (double a : airlight) check_range("camera.airlight", a, 0, 1);
  check_range("camera.blur.extent_px", blur.extent_px, 0, 40);
  detail::validate_step(DegradationStep{DegradationType::blur, blur, 0}, "camera.blur.");  // angle, kernel
  check_range("camera.exposure_ev", exposure_ev, 0, 8);
  check_range("camera.shot_noise", shot_noise, 0, 0.1);
  check_range("camera.read_noise", read_noise, 0, 0.1);
  for (double g : white_balance) check_range("camera.white_balance", g, 0.5, 4);
  check_range("camera.sharpen", sharpen, 0, 3);
  check(jpeg_quality >= 0 && jpeg_quality <= 100,
        "camera.jpeg_quality: must be in [0, 100] (0: no encoding), got " + std::to_string(jpeg_quality));
}

double read_noise_for(double shot_noise) {
  check(shot_noise > 0, "read_noise_for: shot noise must be positive");
  return std::exp(2.18 * std::log(shot_noise) + 1.2);
}

CameraRender render_camera_shot(const at::Tensor& photo, const CameraShot& shot) {
  check(photo.dim() == 4 && photo.size(1) == 3, "render_camera_shot: expected images [N, 3, H, W]");
  shot.validate();
  const std::int64_t h = photo.size(2) / 2 * 2, w = photo.size(3) / 2 * 2;
  check(h >= 2 && w >= 2, "render_camera_shot: the photo must be at least 2x2 px");
  const at::Tensor scene_srgb = photo.slice(2, 0, h).slice(3, 0, w).to(at::kFloat).clamp(0.0, 1.0);

  // Unprocess: the photo's pixels become the scene's linear light.
  const at::Tensor scene = detail::srgb_to_linear(inverse_smoothstep(scene_srgb));
  at::Tensor light = scene;
  if (shot.haze_density > 0) {
    // The depth proxy reads the photo as it looks (bright, flat regions read as far).
    const double beta = -2.0 * std::log(1.0 - shot.haze_density);
    const at::Tensor t = at::exp(-beta * degradations::haze_depth_proxy(scene_srgb));
    const at::Tensor airlight = detail::srgb_to_linear(
        at::tensor({shot.airlight[0], shot.airlight[1], shot.airlight[2]}, scene.options()).view({1, 3, 1, 1}));
    light = light * t + airlight * (1.0 - t);
  }
  BlurFactors blur = shot.blur;
  if (blur.extent_px > 0 && blur.kernel.empty()) generate_blur_kernel(blur, shot.seed);
  if (blur.extent_px > 0) light = degradations::convolve_kernel(light, blur);

  // The sensor: the white balance undone (raw red and blue are weaker than green), exposure,
  // the colour filter array, then shot and read noise on each raw sample.
  const at::Tensor masks = bayer_masks(h, w, scene);
  const at::Tensor inverse_wb = 1.0 / channel_gains(shot.white_balance, scene);
  const at::Tensor clean_raw = (scene * inverse_wb).clamp(0.0, 1.0) * masks;
  const at::Tensor exposed = (light * inverse_wb).clamp(0.0, 1.0) * std::exp2(-shot.exposure_ev) * masks;
  at::Tensor raw = exposed;
  if (shot.shot_noise > 0 || shot.read_noise > 0) {
    auto gen = detail::make_generator(shot.seed ^ 0x5E750Bull);
    // One draw per sensor site ([N, 1, H, W]), put back onto the colour that site samples.
    const at::Tensor field = detail::random_normal({raw.size(0), 1, h, w}, gen, raw);
    const at::Tensor site = exposed.sum(1, true);
    const at::Tensor noisy = site + at::sqrt(site * shot.shot_noise + shot.read_noise) * field;
    raw = noisy.clamp(0.0, 1.0) * masks;
  }

  CameraRender out;
  out.blur_extent_px = blur.extent_px;
  const at::Tensor developed = develop(raw, shot);
  out.reference = quantise(develop(clean_raw, shot));
  // The noise the shot left: developed with and without it, over mid-tones of the noise-free render.
  const at::Tensor noise_free = develop(exposed, shot);
  const at::Tensor grey = detail::luma(noise_free);
  const at::Tensor mid = ((grey > 0.35) & (grey < 0.65)).to(at::kFloat).expand_as(noise_free);
  const at::Tensor weights = mid.sum().item<double>() > 100 ? mid : at::ones_like(noise_free);
  const at::Tensor diff = developed - noise_free;
  out.noise_sigma = 255.0 * std::sqrt(((diff * diff) * weights).sum().item<double>() / weights.sum().item<double>());
  out.image = shot.jpeg_quality > 0 ? degradations::synthesize(developed, JpegFactors{shot.jpeg_quality}, 0)
                                    : quantise(developed);
  return out;
}

}  // namespace rirf
