// Probe: the weak-texture PCA noise sigma (evidence::weak_texture_noise_sigma) against DiagNet's
// noise call, on clean photos, white noise and camera renders. Training photos only.
//   probe_noise DIR [--limit N] [--weights FILE]
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <thread>

#include "reason/diagnet_weights.hpp"
#include "reason/evidence.hpp"
#include "rirf/camera.hpp"
#include "rirf/diagnet.hpp"
#include "rirf/image_io.hpp"
#include "rirf/reasoner.hpp"

int main(int argc, char** argv) {
  std::string dir = argv[1], weights = "models/reasoner.safetensors";
  std::size_t limit = 40;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--limit")) limit = std::strtoull(argv[i + 1], nullptr, 10);
    if (!std::strcmp(argv[i], "--weights")) weights = argv[i + 1];
  }
  at::set_num_threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file() && !rirf::image_format_from_path(e.path().string()).empty()) files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  const std::size_t step = std::max<std::size_t>(1, files.size() / limit);
  auto net = rirf::load_diagnet_reasoner(weights);
  std::printf("file,condition,pca_sigma,pca_half,diagnet_noise,diagnet_sigma,diagnet_conf\n");
  for (std::size_t i = 0; i < files.size(); i += step) {
    at::Tensor photo = rirf::load_image(files[i]).rgb;
    const std::int64_t side = 768;
    if (photo.size(2) > side || photo.size(3) > side) {
      const std::int64_t top = std::max<std::int64_t>(0, (photo.size(2) - side) / 2), left = std::max<std::int64_t>(0, (photo.size(3) - side) / 2);
      photo = photo.slice(2, top, top + side).slice(3, left, left + side).contiguous();
    }
    at::manual_seed(static_cast<std::uint64_t>(i));
    std::vector<std::pair<std::string, at::Tensor>> cases;
    cases.emplace_back("clean", photo);
    for (double s : {2.0, 4.0, 6.0, 10.0})
      cases.emplace_back("white" + std::to_string(static_cast<int>(s)), (photo + at::randn_like(photo) * (s / 255.0)).clamp(0, 1));
    for (double shot : {0.0, 1e-3, 4e-3}) {
      rirf::CameraShot c;
      c.seed = 1000 + i;
      if (shot > 0) {
        c.shot_noise = shot;
        c.read_noise = rirf::read_noise_for(shot);
      }
      char name[32];
      std::snprintf(name, sizeof name, "camera%g", shot);
      cases.emplace_back(name, rirf::render_camera_shot(photo, c).image);
    }
    for (const auto& [name, img] : cases) {
      const at::Tensor tiles = rirf::diagnosis_crops(img);
      const double pca = rirf::evidence::weak_texture_noise_sigma(tiles);
      const double pca_half = rirf::evidence::weak_texture_noise_sigma(at::avg_pool2d(tiles.contiguous(), 2));
      const rirf::Diagnosis d = net->diagnose(img);
      const auto& f = d.finding(rirf::DegradationType::noise);
      const double sigma = f.factors.contains("sigma") ? f.factors["sigma"].get<double>() : 0.0;
      std::printf("%s,%s,%.3f,%.3f,%d,%.2f,%.3f\n", std::filesystem::path(files[i]).filename().c_str(), name.c_str(), pca, pca_half,
                  f.present ? 1 : 0, sigma, f.confidence);
      std::fflush(stdout);
    }
  }
}
