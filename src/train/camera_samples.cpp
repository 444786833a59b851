// Training samples shot by the camera-like renderer (camera_samples.hpp).
#include "train/camera_samples.hpp"

#include <cmath>

#include "rirf/camera.hpp"

namespace rirf {

CameraSample camera_sample(const at::Tensor& crop, SampleOptions sampling, Rng& rng) {
  sampling.types = {DegradationType::noise, DegradationType::blur, DegradationType::low_light, DegradationType::jpeg};
  DegradationPlan plan = sample_plan(sampling, rng);
  CameraShot shot;
  shot.white_balance = {rng.uniform(1.9, 2.4), rng.uniform(1.5, 1.9)};
  shot.sharpen = rng.uniform(0.0, 0.6);
  shot.jpeg_quality = static_cast<int>(rng.integer(92, 96));
  shot.shot_noise = std::exp(rng.uniform(std::log(1e-5), std::log(1e-4)));  // base ISO: sigma about 0.5-2
  shot.seed = rng.fork();
  for (const auto& step : plan.steps) {
    switch (step.type) {
      case DegradationType::noise: {
        // Shot noise for about the plan's sigma at mid-grey (fitted on the benchmark's photos:
        // sigma ~ 6.85 (shot / 1e-3)^0.53); the label is what the development measures.
        const double sigma = std::get<NoiseFactors>(step.factors).sigma;
        shot.shot_noise = std::min(0.1, 1e-3 * std::pow(sigma / 6.85, 1.0 / 0.53));
        break;
      }
      case DegradationType::blur: shot.blur = std::get<BlurFactors>(step.factors); break;
      case DegradationType::low_light: shot.exposure_ev = std::get<LowLightFactors>(step.factors).exposure_ev; break;
      case DegradationType::jpeg: shot.jpeg_quality = std::get<JpegFactors>(step.factors).quality; break;
      default: break;
    }
  }
  shot.read_noise = read_noise_for(shot.shot_noise);
  const CameraRender render = render_camera_shot(crop, shot);
  CameraSample sample{render.image, {}};
  for (auto step : plan.steps) {
    if (step.type == DegradationType::noise) {
      std::get<NoiseFactors>(step.factors).sigma = std::min(75.0, render.noise_sigma);
      if (step.severity() < 10) continue;
    }
    sample.truth.steps.push_back(step);
  }
  return sample;
}

}  // namespace rirf
