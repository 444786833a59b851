// Run from build/ as docs/notebook/runs/measured-noise-probe.cpp is: probe C0FFEE $(ls -d ../../shared/data/train/photos/*/)
// Probe: on clean and mildly noisy training photos (engine and camera renders), DiagNet's noise
// call against the mid-tone measurement at full and half size.
#include <torch/torch.h>
#include <cstdio>
#include "rirf/camera.hpp"
#include "rirf/degrade.hpp"
#include "rirf/diagnet.hpp"
#include "rirf/image_io.hpp"
#include "rirf/metrics.hpp"
#include "reason/evidence.hpp"
#include "train/train_util.hpp"
using namespace rirf;
int main(int argc, char** argv) {
  at::set_num_threads(2);
  torch::InferenceMode guard;
  auto reasoner = load_diagnet_reasoner("../models/reasoner.safetensors");
  std::vector<std::string> files;
  for (int i = 2; i < argc; ++i) for (auto& f : list_image_files(argv[i])) {
    if (f.find("Foggy-Trees") != std::string::npos || f.find("/fog.jpg") != std::string::npos) continue;
    files.push_back(f);
  }
  const uint64_t base = std::strtoull(argv[1], nullptr, 16);
  std::printf("file,kind,truth,corr,present,conf,net,others,mid,midhalf\n");
  uint64_t index = 0;
  for (const auto& file : files) {
    const at::Tensor photo = center_crop_to_multiple(load_image(file).rgb, 16).contiguous();
    std::vector<std::tuple<std::string, at::Tensor, double, double>> samples;
    samples.push_back({"engine-clean", train::quantise(photo), 0.0, 0.0});
    {
      Rng rng(derive_seed(base, index++));
      DegradationStep st = make_step(DegradationType::noise, rng.uniform(10, 40), rng);
      auto nf = std::get<NoiseFactors>(st.factors);
      samples.push_back({"engine-noise", train::quantise(apply(photo, {{st}})), nf.sigma, nf.correlation_px});
    }
    Rng camera_rng(derive_seed(base ^ 0xCA3E5, index++));
    CameraShot camera;
    camera.white_balance = {camera_rng.uniform(1.9, 2.4), camera_rng.uniform(1.5, 1.9)};
    camera.sharpen = camera_rng.uniform(0.2, 0.6);
    camera.jpeg_quality = static_cast<int>(camera_rng.integer(92, 96));
    for (double shot : {0.0, 1e-3, 2e-3}) {
      CameraShot s = camera;
      s.seed = camera_rng.fork();
      if (shot > 0) { s.shot_noise = shot; s.read_noise = read_noise_for(shot); }
      auto r = render_camera_shot(photo, s);
      samples.push_back({shot == 0 ? "camera-clean" : (shot == 1e-3 ? "camera-1e-3" : "camera-2e-3"), r.image, r.noise_sigma, -1.0});
    }
    for (auto& [kind, img, truth, corr] : samples) {
      const Diagnosis d = reasoner->diagnose(img);
      int others = 0;
      for (auto t : all_degradation_types()) if (t != DegradationType::noise && d.finding(t).present) ++others;
      const auto& nf = d.finding(DegradationType::noise);
      std::vector<at::Tensor> crops;
      for (auto& t : diagnosis_tiles(img.size(2), img.size(3)))
        crops.push_back(img.slice(2, t.top, t.top + t.height).slice(3, t.left, t.left + t.width));
      const at::Tensor tiles = at::cat(crops, 0);
      const double mid = evidence::midtone_noise_sigma(tiles);
      const double half = evidence::midtone_noise_sigma(at::avg_pool2d(tiles, 2));
      const std::string name = file.substr(file.rfind('/') + 1);
      std::printf("%s,%s,%.2f,%.2f,%d,%.3f,%.2f,%d,%.3f,%.3f\n", name.c_str(), kind.c_str(), truth, corr, nf.present ? 1 : 0,
                  nf.confidence, nf.factors["sigma"].get<double>(), others, mid, half > 0 ? 2 * half : half);
      std::fflush(stdout);
    }
  }
}
