// Camera-like renders (include/rirf/camera.hpp): an undamaged shot develops back to the photo, the
// damage moves the image the way it should, sensor noise comes out demosaiced (correlated between
// neighbours), the measured noise tracks the sensor's, renders are deterministic, bad shots are
// rejected by name. And DiagNet's training samples shot with it (src/train/camera_samples.hpp).
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>

#include "rirf/camera.hpp"
#include "rirf/metrics.hpp"
#include "test_util.hpp"
#include "train/camera_samples.hpp"

namespace {

// Smooth colour ramps: no detail finer than a few pixels, so sharpening and demosaicing leave it.
at::Tensor ramps(std::int64_t h, std::int64_t w) {
  const at::Tensor y = at::linspace(0.2, 0.8, h).view({1, 1, h, 1}).expand({1, 1, h, w});
  const at::Tensor x = at::linspace(0.3, 0.7, w).view({1, 1, 1, w}).expand({1, 1, h, w});
  return at::cat({y, 0.5 * (x + y), x}, 1).contiguous();
}

rirf::CameraShot quiet_shot() {
  rirf::CameraShot shot;
  shot.shot_noise = 0;
  shot.read_noise = 0;
  shot.sharpen = 0;
  shot.jpeg_quality = 0;
  shot.seed = 3;
  return shot;
}

// Correlation of horizontally adjacent values of a noise field [1, 3, H, W].
double neighbour_correlation(const at::Tensor& noise) {
  const at::Tensor a = noise.slice(3, 0, -1).flatten(), b = noise.slice(3, 1).flatten();
  const at::Tensor ca = a - a.mean(), cb = b - b.mean();
  return ((ca * cb).mean() / (ca.std(false) * cb.std(false))).item<double>();
}

TEST(Camera, AnUndamagedShotDevelopsBackToThePhoto) {
  const at::Tensor photo = ramps(64, 96);
  const rirf::CameraRender r = rirf::render_camera_shot(photo, quiet_shot());
  // Unprocessing and developing are inverses; demosaicing a smooth ramp is exact but at the border.
  const at::Tensor inner = [](const at::Tensor& t) { return t.slice(2, 2, -2).slice(3, 2, -2); }(r.image - photo);
  EXPECT_LT(inner.abs().max().item<double>(), 1.5 / 255);
  EXPECT_TRUE(at::equal(r.image, r.reference));
  EXPECT_LT(r.noise_sigma, 1e-3);
}

TEST(Camera, OddSizesAreCroppedToTheMosaicPeriod) {
  const rirf::CameraRender r = rirf::render_camera_shot(ramps(33, 47), quiet_shot());
  EXPECT_EQ(r.image.sizes(), (at::IntArrayRef{1, 3, 32, 46}));
  EXPECT_EQ(r.reference.sizes(), r.image.sizes());
}

TEST(Camera, SensorNoiseIsDemosaicedAndTracksTheShotNoise) {
  const at::Tensor photo = at::full({1, 3, 96, 96}, 0.5);
  rirf::CameraShot shot = quiet_shot();
  double last = 0;
  for (double shot_noise : {1e-3, 4e-3, 1.2e-2}) {
    shot.shot_noise = shot_noise;
    shot.read_noise = rirf::read_noise_for(shot_noise);
    const rirf::CameraRender r = rirf::render_camera_shot(photo, shot);
    EXPECT_GT(r.noise_sigma, last * 1.5) << shot_noise;
    last = r.noise_sigma;
    // Demosaicing spreads each sensor sample over its neighbours: white noise would give about 0.
    EXPECT_GT(neighbour_correlation(r.image - r.reference), 0.2) << shot_noise;
  }
  // Brooks et al.'s strongest real-camera noise, on a mid-grey photo, is strong but not absurd.
  EXPECT_GT(last, 10.0);
  EXPECT_LT(last, 60.0);
}

TEST(Camera, RendersAreDeterministicPerSeed) {
  const at::Tensor photo = ramps(48, 48);
  rirf::CameraShot shot = quiet_shot();
  shot.shot_noise = 4e-3;
  shot.blur.kind = rirf::BlurKind::motion;
  shot.blur.extent_px = 4;
  const rirf::CameraRender a = rirf::render_camera_shot(photo, shot), b = rirf::render_camera_shot(photo, shot);
  EXPECT_TRUE(at::equal(a.image, b.image));
  EXPECT_GT(a.blur_extent_px, 3.5);
  EXPECT_LT(a.blur_extent_px, 4.5);
  shot.seed = 4;
  EXPECT_FALSE(at::equal(a.image, rirf::render_camera_shot(photo, shot).image));
}

TEST(Camera, ExposureDarkensAndHazeLiftsTheBlacks) {
  const at::Tensor photo = ramps(64, 64);
  rirf::CameraShot shot = quiet_shot();
  const double mean = rirf::render_camera_shot(photo, shot).image.mean().item<double>();
  shot.exposure_ev = 2;
  EXPECT_LT(rirf::render_camera_shot(photo, shot).image.mean().item<double>(), 0.6 * mean);
  shot.exposure_ev = 0;
  shot.haze_density = 0.6;
  const rirf::CameraRender hazy = rirf::render_camera_shot(photo, shot);
  EXPECT_GT(hazy.image.amin().item<double>(), rirf::render_camera_shot(photo, quiet_shot()).image.amin().item<double>() + 0.1);
  EXPECT_TRUE(at::equal(hazy.reference, rirf::render_camera_shot(photo, quiet_shot()).reference));
}

TEST(Camera, JpegEncodesAtTheShotsQuality) {
  const at::Tensor photo = ramps(64, 64);
  rirf::CameraShot shot = quiet_shot();
  shot.shot_noise = 4e-3;
  shot.read_noise = rirf::read_noise_for(4e-3);
  const at::Tensor raw = rirf::render_camera_shot(photo, shot).image;
  shot.jpeg_quality = 20;
  const at::Tensor coded = rirf::render_camera_shot(photo, shot).image;
  // A low quality throws most of the noise away with the high frequencies.
  EXPECT_LT((coded - raw).abs().mean().item<double>() * 255, 20.0);
  EXPECT_GT((coded - raw).abs().mean().item<double>() * 255, 1.0);
}

TEST(Camera, RejectsBadShots) {
  const at::Tensor photo = ramps(16, 16);
  rirf::CameraShot shot;
  shot.shot_noise = -1;
  rirf::test::expect_error_containing([&] { rirf::render_camera_shot(photo, shot); }, "camera.shot_noise");
  shot = rirf::CameraShot{};
  shot.jpeg_quality = 101;
  rirf::test::expect_error_containing([&] { rirf::render_camera_shot(photo, shot); }, "camera.jpeg_quality");
  shot = rirf::CameraShot{};
  shot.blur.extent_px = 99;
  rirf::test::expect_error_containing([&] { rirf::render_camera_shot(photo, shot); }, "camera.blur.extent_px");
  rirf::test::expect_error_containing([&] { rirf::render_camera_shot(at::zeros({1, 3, 1, 8}), rirf::CameraShot{}); },
                                      "at least 2x2");
}

// A textured crop: the ramps plus sinusoidal detail of a period of 12-16 px.
at::Tensor textured(std::int64_t side) {
  const at::Tensor x = at::arange(side).to(at::kFloat).view({1, 1, 1, side});
  return (ramps(side, side) + 0.15 * at::sin(x * 0.5) * at::cos(x.transpose(2, 3) * 0.4)).clamp(0, 1);
}

TEST(CameraSamples, CleanPlansGiveCleanLabelsAndAPhotoLikeTheCrop) {
  rirf::SampleOptions sampling;
  sampling.clean_probability = 1.0;
  rirf::Rng rng(5);
  const at::Tensor crop = textured(64);
  for (int i = 0; i < 4; ++i) {
    const rirf::CameraSample s = rirf::camera_sample(crop, sampling, rng);
    EXPECT_TRUE(s.truth.steps.empty());
    // Base-ISO noise, sharpening and a quality 92-96 encode: close to the crop, not equal to it.
    const double p = rirf::psnr(s.image, crop);
    EXPECT_GT(p, 28.0);
    EXPECT_LT(p, 60.0);
  }
}

TEST(CameraSamples, LabelsAreWhatTheCameraPutInThePhoto) {
  rirf::SampleOptions sampling;
  sampling.min_count = sampling.max_count = 1;
  sampling.min_severity = sampling.max_severity = 50;
  const at::Tensor crop = textured(64);
  const auto only = [&](rirf::DegradationType type) {
    sampling.type_weights.fill(0);
    sampling.type_weights[static_cast<int>(type)] = 1;
    rirf::Rng rng(7);
    return rirf::camera_sample(crop, sampling, rng);
  };
  // Noise: labelled with the sigma measured in the development, near the plan's 29.
  const rirf::CameraSample noisy = only(rirf::DegradationType::noise);
  ASSERT_EQ(noisy.truth.steps.size(), 1u);
  EXPECT_EQ(noisy.truth.steps[0].type, rirf::DegradationType::noise);
  EXPECT_GT(noisy.truth.steps[0].main_factor(), 15.0);
  EXPECT_LT(noisy.truth.steps[0].main_factor(), 60.0);
  EXPECT_LT(rirf::psnr(noisy.image, crop), 25.0);
  // Low light and JPEG: the plan's factors, made by the camera.
  const rirf::CameraSample dark = only(rirf::DegradationType::low_light);
  ASSERT_EQ(dark.truth.steps.size(), 1u);
  EXPECT_NEAR(dark.truth.steps[0].main_factor(), 2.5, 1e-9);  // severity 50
  EXPECT_LT(dark.image.mean().item<double>(), 0.7 * crop.mean().item<double>());
  const rirf::CameraSample coded = only(rirf::DegradationType::jpeg);
  ASSERT_EQ(coded.truth.steps.size(), 1u);
  EXPECT_EQ(std::get<rirf::JpegFactors>(coded.truth.steps[0].factors).quality,
            std::lround(rirf::factor_from_severity(rirf::DegradationType::jpeg, 50)));
  // The strongest noise the engine draws is still a valid shot (its read noise grows faster).
  sampling.min_severity = sampling.max_severity = 100;
  EXPECT_GT(only(rirf::DegradationType::noise).truth.steps.at(0).main_factor(), 40.0);
  // Types a camera does not make are never drawn: the sample is then clean.
  EXPECT_TRUE(only(rirf::DegradationType::haze).truth.steps.empty());
  EXPECT_TRUE(only(rirf::DegradationType::rain).truth.steps.empty());
}

}  // namespace
