// Probe: JPEG artefacts treated as noise of an equivalent sigma by the restorer.
#include <torch/torch.h>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include "rirf/degrade.hpp"
#include "rirf/diagnet.hpp"
#include "rirf/image_io.hpp"
#include "rirf/metrics.hpp"
#include "rirf/suites.hpp"
#include "rirf/restorer.hpp"
#include "train/train_util.hpp"
using namespace rirf;
int main(int argc, char** argv) {
  at::set_num_threads(2);
  torch::InferenceMode guard;
  const bool train = argc > 1 && std::string(argv[1]) == "train";
  auto reasoner = load_diagnet_reasoner("models/reasoner.safetensors");
  auto restorer = load_restorer("models/restorer.safetensors");
  std::vector<std::string> files;
  if (train) {
    std::vector<std::string> all;
    for (auto& e : std::filesystem::recursive_directory_iterator("../shared/data/train/photos"))
      if (e.is_regular_file() && e.path().filename().string().find("og") == std::string::npos) all.push_back(e.path().string());
    std::sort(all.begin(), all.end());
    for (size_t i = 0; i < all.size() && files.size() < 42; i += 2) files.push_back(all[i]);
  } else {
    for (const char* dir : {"../shared/data/val/kodak24", "../shared/data/val/mcmaster"})
      for (auto& f : list_image_files(dir)) files.push_back(f);
  }
  std::map<std::string, std::vector<double>> sums;
  size_t k = 0, kk = 0;
  for (const auto& file : files) {
    at::Tensor full = load_image(file).rgb;
    at::Tensor clean;
    if (train) {
      const int64_t h = std::min<int64_t>(512, full.size(2)) / 16 * 16, w = std::min<int64_t>(512, full.size(3)) / 16 * 16;
      const int64_t top = (full.size(2) - h) / 2 / 8 * 8, left = (full.size(3) - w) / 2 / 8 * 8;
      clean = full.slice(2, top, top + h).slice(3, left, left + w).contiguous();
    } else {
      clean = center_crop_to_multiple(full, 16).contiguous();
    }
    kk = k < 24 || train ? k : k - 24;
    ++k;
    const DegradationPlan plan = suite_plan("jpeg", kk);
    const at::Tensor deg = train::quantise(apply(clean, plan));
    const Diagnosis d = reasoner->diagnose(deg);
    sums["input"].push_back(psnr(deg, clean));
    sums["network"].push_back(psnr(train::quantise(restorer->restore(deg, d, {})), clean));
    const double q = d.finding(DegradationType::jpeg).present ? d.finding(DegradationType::jpeg).factors["quality"].get<double>() : 100;
    for (double ratio : {0.1, 0.2, -1.0, -2.0, -3.0, -5.0}) {
      // equivalent sigma: the JPEG error's RMS, modelled as ratio * (100 - q) / 8 (0-255 scale)
      const double sigma = ratio > 0 ? ratio * (100.0 - q) / 8.0 : -ratio;
      Diagnosis e = d;
      if (d.finding(DegradationType::jpeg).present && sigma >= 0.5) {
        Finding& n = e.finding(DegradationType::noise);
        n.present = true;
        n.confidence = 0.9;
        n.severity = severity_from_factor(DegradationType::noise, sigma);
        n.factors = {{"sigma", sigma}};
      }
      char key[64];
      std::snprintf(key, sizeof key, "sigma %.2f x (100-q)/8", ratio);
      sums[key].push_back(psnr(train::quantise(restorer->restore(deg, e, {})), clean));
    }
    std::fprintf(stderr, "%s q %.0f truth %.0f\n", file.c_str(), q, plan.steps[0].main_factor());
  }
  for (auto& [key, v] : sums) { double s = 0; for (double x : v) s += x; std::printf("%-30s %.3f\n", key.c_str(), s / v.size()); }
}
