// Probe: does a Wiener/Tikhonov deconvolution with the diagnosed kernel deblur the deblur suite?
#include <torch/torch.h>
#include <cstdio>
#include <map>
#include <filesystem>
#include <algorithm>
#include "degrade/ops.hpp"
#include "rirf/degrade.hpp"
#include "rirf/diagnet.hpp"
#include "rirf/image_io.hpp"
#include "rirf/metrics.hpp"
#include "rirf/suites.hpp"
#include "rirf/restorer.hpp"
#include "train/train_util.hpp"

using namespace rirf;

at::Tensor deconvolve(const at::Tensor& img, const std::vector<float>& k, int ks, double lambda) {
  const int pad = std::max(16, ks * 2);
  at::Tensor x = at::reflection_pad2d(img, {pad, pad, pad, pad});
  const int64_t H = x.size(2), W = x.size(3);
  at::Tensor psf = at::zeros({H, W});
  psf.slice(0, 0, ks).slice(1, 0, ks).copy_(at::from_blob(const_cast<float*>(k.data()), {ks, ks}, at::kFloat));
  psf = at::roll(psf, {-(ks / 2), -(ks / 2)}, {0, 1});
  at::Tensor lap = at::zeros({H, W});
  lap[0][0] = 4; lap[0][1] = -1; lap[1][0] = -1; lap[0][W - 1] = -1; lap[H - 1][0] = -1;
  const at::Tensor K = at::fft_rfft2(psf), L = at::fft_rfft2(lap);
  const at::Tensor G = K.conj() / (K.abs().pow(2) + lambda * L.abs().pow(2));
  at::Tensor y = at::fft_irfft2(at::fft_rfft2(x) * G, c10::IntArrayRef{H, W});
  return y.slice(2, pad, pad + img.size(2)).slice(3, pad, pad + img.size(3)).clamp(0, 1);
}

int main(int argc, char** argv) {
  at::set_num_threads(2);
  torch::InferenceMode guard;
  auto reasoner = load_diagnet_reasoner("models/reasoner.safetensors");
  auto restorer = load_restorer("models/restorer.safetensors");
  std::vector<double> lambdas = {0.02, 0.04, 0.08, 0.16};
  std::vector<double> scales = {0.6, 0.7, 0.85};
  std::map<std::string, std::vector<double>> sums;
  std::vector<std::string> all;
  for (auto& e : std::filesystem::recursive_directory_iterator("../shared/data/train/photos"))
    if (e.is_regular_file() && e.path().filename().string().find("og") == std::string::npos) all.push_back(e.path().string());
  std::sort(all.begin(), all.end());
  std::vector<std::string> files;
  for (size_t i = 0; i < all.size() && files.size() < 42; i += 2) files.push_back(all[i]);
  for (std::string suite : {"deblur", "mixed"}) {
  {
    for (size_t k = 0; k < files.size(); ++k) {
      at::Tensor full = load_image(files[k]).rgb;
      const int64_t h = std::min<int64_t>(512, full.size(2)) / 16 * 16, w = std::min<int64_t>(512, full.size(3)) / 16 * 16;
      const int64_t top = (full.size(2) - h) / 2 / 8 * 8, left = (full.size(3) - w) / 2 / 8 * 8;
      const at::Tensor clean = full.slice(2, top, top + h).slice(3, left, left + w).contiguous();
      DegradationPlan plan = suite_plan(suite, k);
      const at::Tensor deg = train::quantise(apply(clean, plan));
      std::string tk = "none";
      for (auto& st : plan.steps) if (st.type == DegradationType::blur) tk = blur_kind_name(std::get<BlurFactors>(st.factors).kind);
      const Diagnosis d = reasoner->diagnose(deg);
      const Finding& f = d.finding(DegradationType::blur);
      const at::Tensor net = train::quantise(restorer->restore(deg, d, {}));
      std::string kind = f.factors.contains("kind") ? f.factors["kind"].get<std::string>() : "?";
      auto add = [&](const std::string& key, const at::Tensor& out) {
        const double p = psnr(out, clean);
        sums[suite + " | " + key].push_back(p);
        if (suite == "deblur") sums[suite + "[" + tk + "] | " + key].push_back(p);
      };
      add("input", deg);
      add("network", net);
      const double est = f.factors["extent_px"].get<double>();
      for (double sc : scales)
        for (double lam : lambdas)
          for (int motion_too : {0, 1}) {
            at::Tensor out = net;
            if (f.present && (motion_too || kind != "motion")) {
              BlurFactors e{BlurKind::gaussian, std::max(0.5, est * sc), 0.0, {}, 0};
              if (kind == "defocus") e.kind = BlurKind::defocus;
              rirf::detail::generate_blur_kernel(e, 0);
              out = train::quantise(deconvolve(net, e.kernel, e.kernel_size, lam));
            }
            char key[100];
            std::snprintf(key, sizeof key, "x%.2f lam %.3f motion %d", sc, lam, motion_too);
            add(key, out);
          }
    }
  }
  }
  for (auto& [key, v] : sums) { double s = 0; for (double x : v) s += x; std::printf("%-50s %.3f\n", key.c_str(), s / v.size()); }
}
