// The reasoner (and the restorer) on camera-like renders of the validation photos
// (include/rirf/camera.hpp): damage made in the linear raw domain and developed as a camera does,
// not by the engine's steps on sRGB pixels.
//   bench_camera --val DIR [--val DIR ...] [--weights models/reasoner.safetensors]
//                [--restorer models/restorer.safetensors] [--blind W] [--limit N]
//                [--deconvolve 0]  (the restorer's network alone)
// Every photo, centre-cropped to a multiple of 16, is shot under each condition below with its own
// camera (white balance, sharpening, JPEG quality 92-96 drawn per photo, seed 0xCA3E5). Prints
// markdown: per backend, how often each condition is called what it is, the main factor it
// estimates against the truth, and what else it calls; with --restorer, PSNR/SSIM of the input
// and of the restoration against the same camera's undamaged render.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/version.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "rirf/camera.hpp"
#include "rirf/diagnet.hpp"
#include "rirf/image_io.hpp"
#include "rirf/metrics.hpp"
#include "rirf/reasoner.hpp"
#include "rirf/restorer.hpp"
#include "train/quantise.hpp"

namespace {
using rirf::DegradationType;

struct Condition {
  std::string name;
  std::vector<DegradationType> truth;  // the types the shot puts in the photo; empty: clean
  std::function<void(rirf::CameraShot&, rirf::Rng&)> set;
};

std::vector<Condition> conditions() {
  using T = DegradationType;
  const auto sensor = [](double shot_noise) {
    return [shot_noise](rirf::CameraShot& s, rirf::Rng&) {
      s.shot_noise = shot_noise;
      s.read_noise = rirf::read_noise_for(shot_noise);
    };
  };
  const auto blur = [](rirf::BlurKind kind, double extent) {
    return [kind, extent](rirf::CameraShot& s, rirf::Rng& rng) {
      s.blur.kind = kind;
      s.blur.extent_px = extent;
      s.blur.angle_deg = rng.uniform(0, 180);
    };
  };
  const auto dark = [](double ev) { return [ev](rirf::CameraShot& s, rirf::Rng&) { s.exposure_ev = ev; }; };
  const auto haze = [](double density) {
    return [density](rirf::CameraShot& s, rirf::Rng& rng) {
      s.haze_density = density;
      const double grey = rng.uniform(0.75, 0.95);
      s.airlight = {grey, grey, grey};
    };
  };
  return {
      {"clean (base ISO)", {}, [](rirf::CameraShot&, rirf::Rng&) {}},
      {"sensor noise, shot 1e-3", {T::noise}, sensor(1e-3)},
      {"sensor noise, shot 4e-3", {T::noise}, sensor(4e-3)},
      {"sensor noise, shot 1.2e-2", {T::noise}, sensor(1.2e-2)},
      {"shake, 3 px", {T::blur}, blur(rirf::BlurKind::motion, 3)},
      {"shake, 6 px", {T::blur}, blur(rirf::BlurKind::motion, 6)},
      {"defocus, 4 px", {T::blur}, blur(rirf::BlurKind::defocus, 4)},
      {"under-exposed 2 EV", {T::low_light}, dark(2)},
      {"under-exposed 3.5 EV", {T::low_light}, dark(3.5)},
      {"haze 0.35", {T::haze}, haze(0.35)},
      {"haze 0.6", {T::haze}, haze(0.6)},
      {"JPEG quality 40", {T::jpeg}, [](rirf::CameraShot& s, rirf::Rng&) { s.jpeg_quality = 40; }},
      {"shake 4 px + noise 4e-3", {T::blur, T::noise},
       [blur, sensor](rirf::CameraShot& s, rirf::Rng& rng) {
         blur(rirf::BlurKind::motion, 4)(s, rng);
         sensor(4e-3)(s, rng);
       }},
  };
}

// The main factor the shot put in the photo, on the diagnosis' scale.
double true_factor(DegradationType type, const rirf::CameraShot& shot, const rirf::CameraRender& render) {
  switch (type) {
    case DegradationType::noise: return render.noise_sigma;
    case DegradationType::blur: return render.blur_extent_px;
    case DegradationType::haze: return shot.haze_density;
    case DegradationType::low_light: return shot.exposure_ev;
    case DegradationType::jpeg: return shot.jpeg_quality;
    case DegradationType::rain: return 0;
  }
  return 0;
}

double factor_of(const rirf::Finding& f) {
  const char* key = rirf::main_factor_name(f.type);
  return f.factors.contains(key) ? f.factors[key].get<double>() : 0.0;
}

struct Sample {
  rirf::CameraShot shot;
  rirf::CameraRender render;
};

struct Row {  // one condition, one backend
  int n = 0, right = 0;  // right: every true type called (clean: nothing called)
  std::array<int, rirf::kNumDegradationTypes> other{};
  std::array<double, rirf::kNumDegradationTypes> truth_sum{}, estimate_sum{}, abs_error{};
  double sigma_sum = 0;  // the noise each render carries, measured, whatever the condition
};

std::string truth_cell(const Condition& c, const Row& r) {
  if (c.truth.empty()) return "clean";
  std::string s;
  for (auto t : c.truth) {
    char text[64];
    std::snprintf(text, sizeof text, "%s%s %s %.3g", s.empty() ? "" : ", ", rirf::type_name(t),
                  rirf::main_factor_name(t), r.truth_sum[static_cast<int>(t)] / std::max(1, r.n));
    s += text;
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> val_dirs;
  std::string weights = "models/reasoner.safetensors", restorer_path, blind_path;
  std::size_t limit = 1000000;
  bool deconvolve = true;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--deconvolve")) deconvolve = std::strcmp(argv[i + 1], "0") != 0;
    if (!std::strcmp(argv[i], "--val")) val_dirs.push_back(argv[i + 1]);
    if (!std::strcmp(argv[i], "--weights")) weights = argv[i + 1];
    if (!std::strcmp(argv[i], "--restorer")) restorer_path = argv[i + 1];
    if (!std::strcmp(argv[i], "--blind")) blind_path = argv[i + 1];
    if (!std::strcmp(argv[i], "--limit")) limit = std::strtoull(argv[i + 1], nullptr, 10);
  }
  if (val_dirs.empty()) {
    std::fprintf(stderr, "usage: bench_camera --val DIR [--val DIR] [--weights FILE] [--restorer FILE] [--blind FILE] [--limit N] [--deconvolve 0]\n");
    return 2;
  }
  const int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  at::set_num_threads(threads);
  try {
    std::vector<std::string> files;
    for (const auto& dir : val_dirs) {
      auto listed = rirf::list_image_files(dir);
      if (listed.size() > limit) listed.resize(limit);
      files.insert(files.end(), listed.begin(), listed.end());
    }
    const auto conds = conditions();
    std::vector<std::vector<Sample>> samples(conds.size());
    for (std::size_t i = 0; i < files.size(); ++i) {
      const at::Tensor photo = rirf::center_crop_to_multiple(rirf::load_image(files[i]).rgb, 16).contiguous();
      rirf::Rng camera_rng(rirf::derive_seed(0xCA3E5, i));
      rirf::CameraShot camera;
      camera.white_balance = {camera_rng.uniform(1.9, 2.4), camera_rng.uniform(1.5, 1.9)};
      camera.sharpen = camera_rng.uniform(0.2, 0.6);
      camera.jpeg_quality = static_cast<int>(camera_rng.integer(92, 96));
      for (std::size_t c = 0; c < conds.size(); ++c) {
        rirf::Rng rng(rirf::derive_seed(0xCA3E5 + 1 + c, i));
        rirf::CameraShot shot = camera;
        shot.seed = rng.fork();
        conds[c].set(shot, rng);
        samples[c].push_back({shot, rirf::render_camera_shot(photo, shot)});
      }
    }
    std::vector<std::pair<std::string, std::unique_ptr<rirf::Reasoner>>> backends;
    backends.emplace_back("classical", rirf::make_classical_reasoner());
    if (!weights.empty()) backends.emplace_back("diagnet", rirf::load_diagnet_reasoner(weights));

    std::printf("camera-like renders: %zu photos from", files.size());
    for (const auto& d : val_dirs) std::printf(" %s", d.c_str());
    std::printf(", %zu conditions (seed 0xCA3E5)\nmachine: %d threads, libtorch %s\n\n", conds.size(), threads,
                TORCH_VERSION);
    // The last backend's diagnoses, kept for the restorer (which restores as `rirf restore` does).
    std::vector<std::vector<rirf::Diagnosis>> diagnoses(conds.size());
    for (auto& [name, reasoner] : backends) {
      std::printf("## %s\n\n| condition | truth (mean) | noise sigma in the render | called right | main factor: estimate (MAE) | also "
                  "called |\n|---|---|---:|---:|---|---|\n",
                  name.c_str());
      for (std::size_t c = 0; c < conds.size(); ++c) {
        Row r;
        for (const auto& s : samples[c]) {
          const rirf::Diagnosis d = reasoner->diagnose(s.render.image);
          if (reasoner == backends.back().second) diagnoses[c].push_back(d);
          ++r.n;
          r.sigma_sum += s.render.noise_sigma;
          bool right = true;
          for (auto type : rirf::all_degradation_types()) {
            const int t = static_cast<int>(type);
            const bool truth = std::count(conds[c].truth.begin(), conds[c].truth.end(), type) > 0;
            const rirf::Finding& f = d.finding(type);
            if (truth) {
              right = right && f.present;
              const double factor = true_factor(type, s.shot, s.render);
              r.truth_sum[t] += factor;
              r.estimate_sum[t] += factor_of(f);
              r.abs_error[t] += std::abs(factor_of(f) - factor);
            } else {
              r.other[t] += f.present;
              if (conds[c].truth.empty()) right = right && !f.present;
            }
          }
          r.right += right;
        }
        std::string estimate, also;
        for (auto type : conds[c].truth) {
          const int t = static_cast<int>(type);
          char text[96];
          std::snprintf(text, sizeof text, "%s%s %.3g (%.3g)", estimate.empty() ? "" : ", ", rirf::type_name(type),
                        r.estimate_sum[t] / r.n, r.abs_error[t] / r.n);
          estimate += text;
        }
        for (auto type : rirf::all_degradation_types()) {
          const int t = static_cast<int>(type);
          if (r.other[t] == 0) continue;
          also += (also.empty() ? "" : ", ") + std::string(rirf::type_name(type)) + " " + std::to_string(r.other[t]);
        }
        std::printf("| %s | %s | %.1f | %d / %d | %s | %s |\n", conds[c].name.c_str(), truth_cell(conds[c], r).c_str(),
                    r.sigma_sum / r.n, r.right, r.n, estimate.empty() ? "–" : estimate.c_str(), also.empty() ? "–" : also.c_str());
        std::fflush(stdout);
      }
      std::printf("\n");
    }
    if (restorer_path.empty()) return 0;
    const auto restorer = rirf::load_restorer(restorer_path);
    const auto blind = blind_path.empty() ? nullptr : rirf::load_restorer(blind_path);
    std::printf("## Restoration (%s, diagnosed by %s), PSNR dB / SSIM against the camera's undamaged render\n\n"
                "| condition | input |%s restored |\n|---|---:|%s---:|\n",
                restorer->describe().c_str(), backends.back().first.c_str(), blind ? " blind twin |" : "",
                blind ? "---:|" : "");
    rirf::RestoreOptions options;
    options.deconvolve = deconvolve;
    for (std::size_t c = 0; c < conds.size(); ++c) {
      double p[3] = {0, 0, 0}, q[3] = {0, 0, 0};
      for (std::size_t i = 0; i < samples[c].size(); ++i) {
        const at::Tensor& image = samples[c][i].render.image;
        const at::Tensor& reference = samples[c][i].render.reference;
        const rirf::Diagnosis& d = diagnoses[c][i];
        const at::Tensor restored = rirf::train::quantise(restorer->restore(image, d, options));
        p[0] += rirf::psnr(image, reference), q[0] += rirf::ssim(image, reference);
        p[1] += rirf::psnr(restored, reference), q[1] += rirf::ssim(restored, reference);
        if (blind) {
          const at::Tensor b = rirf::train::quantise(blind->restore(image, d, options));
          p[2] += rirf::psnr(b, reference), q[2] += rirf::ssim(b, reference);
        }
      }
      const double n = static_cast<double>(samples[c].size());
      std::printf("| %s | %.2f / %.4f |", conds[c].name.c_str(), p[0] / n, q[0] / n);
      if (blind) std::printf(" %.2f / %.4f |", p[2] / n, q[2] / n);
      std::printf(" %.2f / %.4f |\n", p[1] / n, q[1] / n);
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_camera: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
