// A camera-like rendering of a clean photo: the check that the reasoner and the restorer work on
// damage made the way a camera makes it, not only by the engine's steps on sRGB pixels.
//
// The photo is taken as the scene and "unprocessed" back to a linear raw mosaic (Brooks et al.
// 2019, "Unprocessing images for learned raw denoising": inverse tone curve, inverse sRGB gamma,
// inverse white balance, RGGB Bayer sampling). The damage happens where it happens in a camera:
// haze in the scene's linear light, shake or defocus on the sensor, under-exposure, shot and read
// noise on the raw values and the gain that amplifies them. The raw is then developed as a camera
// does: bilinear demosaicing (which correlates the noise across neighbouring pixels and colours),
// white balance, sRGB gamma, a smoothstep tone curve, unsharp-mask sharpening and a JPEG encode.
// The engine's own noise is white (or blurred) and added to sRGB pixels; here it is demosaiced,
// tone-mapped and sharpened, like a user's photo.
#pragma once

#include <ATen/core/Tensor.h>

#include <array>
#include <cstdint>

#include "rirf/degrade.hpp"

namespace rirf {

struct CameraShot {
  // The scene: haze in linear light (density and airlight as in HazeFactors; 0 = none).
  double haze_density = 0.0;
  std::array<double, 3> airlight = {0.8, 0.8, 0.8};  // sRGB values of the airlight
  // The optics and the shake: a blur on the sensor (extent 0 = none; the kernel is generated
  // from kind, extent, angle and the seed, as the engine does).
  BlurFactors blur{BlurKind::gaussian, 0.0, 0.0, {}, 0};
  // The exposure: stops below the photo's own; the camera does not brighten it back.
  double exposure_ev = 0.0;
  // The sensor: variance of the raw value x is shot_noise * x + read_noise (Brooks et al.'s
  // heteroscedastic model; their range of shot_noise for real cameras is 1e-4 to 1.2e-2).
  double shot_noise = 5e-5;
  double read_noise = 1e-8;
  // The development: white-balance gains of red and blue (green 1), sharpening amount (unsharp
  // mask, radius 1 px) and JPEG quality (0: no encoding).
  std::array<double, 2> white_balance = {2.1, 1.7};
  double sharpen = 0.4;
  int jpeg_quality = 94;
  std::uint64_t seed = 0;  // the noise realisation and the blur kernel

  void validate() const;  // throws Error naming the bad field and value
};

// Read noise as a function of shot noise, the log-linear fit of Brooks et al. (2019) without
// its random term: log(read) = 2.18 log(shot) + 1.2.
double read_noise_for(double shot_noise);

struct CameraRender {
  at::Tensor image;      // the photo the camera writes: [N, 3, H', W'], 8-bit values
  at::Tensor reference;  // the same camera's render without the shot's damage (no haze, blur,
                         // under-exposure or noise) and without the JPEG encode: the restoration target
  double blur_extent_px = 0;  // the blur kernel's extent as generated (twice its RMS radius)
  double noise_sigma = 0;  // the noise the shot left, measured on the developed image before the
                           // encode: its standard deviation over mid-tones, 0-255 scale
};

// photo: [N, 3, H, W] in [0, 1] (a clean photo). H and W are cropped down to even numbers (the
// mosaic's period). Deterministic: the same photo and shot give the same bytes.
CameraRender render_camera_shot(const at::Tensor& photo, const CameraShot& shot);

}  // namespace rirf
