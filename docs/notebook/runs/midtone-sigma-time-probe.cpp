// HEAD~ (evidence_old.cpp: git show 110cf05:src/reason/evidence.cpp, with its header pasted in) against the current evidence.cpp in one process:
// values on the given images at noise sigma 0-50, then interleaved times on nine tiles of a 1 MP image (median of 31).
// Build from the repository root: g++ -std=c++17 -O3 -DNDEBUG -I. -Isrc -Iinclude -IDIR_OF_evidence_old.cpp $(torch flags)
// PROBE.cpp build/librirf.a $(torch libs); run: PROBE IMAGES...
#include <torch/torch.h>
#include <chrono>
#include <cstdio>
#include <functional>
#define evidence evidence_old
#include "evidence_old.cpp"
#undef evidence
#define evidence evidence_new
#include "src/reason/evidence.cpp"
#undef evidence
#include "reason/diagnet_weights.hpp"
#include "rirf/diagnet.hpp"
#include "rirf/image_io.hpp"
using namespace rirf;
namespace eo = rirf::evidence_old; namespace en = rirf::evidence_new;
template <class F> double median_ms(F f, std::vector<double>& v) { auto s = std::chrono::steady_clock::now(); f(); v.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s).count()); return 0; }
int main(int argc, char** argv){
  torch::set_num_threads(2);
  torch::InferenceMode g;
  std::vector<at::Tensor> sets;
  double maxrel_ns = 0, maxrel_mid = 0, maxdiff_ev = 0;
  for (int a = 1; a < argc; ++a) {
    at::Tensor img = load_image(argv[a]).rgb;
    for (double sigma : {0.0, 5.0, 15.0, 30.0, 50.0}) {
      at::Tensor x = sigma > 0 ? (img + at::randn_like(img) * (sigma / 255)).clamp(0, 1) : img;
      x = (x * 255).round() / 255;
      at::Tensor tiles = diagnosis_crops(x).contiguous();
      double o = eo::midtone_noise_sigma(tiles), n = en::midtone_noise_sigma(tiles);
      maxrel_mid = std::max(maxrel_mid, std::abs(o - n) / std::max(1e-9, std::abs(o)));
      maxrel_ns = std::max(maxrel_ns, ((eo::noise_sigma(tiles) - en::noise_sigma(tiles)).abs() / eo::noise_sigma(tiles).clamp_min(1e-9)).max().item<double>());
      maxdiff_ev = std::max(maxdiff_ev, (eo::evidence_vector(tiles) - en::evidence_vector(tiles)).abs().max().item<double>());
      if (sigma == 25.0 || sigma == 15.0) sets.push_back(tiles);
    }
  }
  std::printf("noise sigma max relative difference %.3g\n", maxrel_ns);
  std::printf("midtone max relative difference %.3g, evidence max abs difference %.3g\n", maxrel_mid, maxdiff_ev);
  at::Tensor big = at::upsample_bilinear2d(load_image(argv[1]).rgb, {1024, 1024}, false, c10::nullopt, c10::nullopt);
  big = (big + at::randn_like(big) * (25.0/255)).clamp(0,1);
  at::Tensor tiles = diagnosis_crops(big).contiguous();
  std::vector<double> mo, mn, vo, vn;
  for (int i = 0; i < 31; ++i) {
    median_ms([&]{ eo::midtone_noise_sigma(tiles); }, mo); median_ms([&]{ en::midtone_noise_sigma(tiles); }, mn);
    median_ms([&]{ eo::evidence_vector(tiles); }, vo); median_ms([&]{ en::evidence_vector(tiles); }, vn);
  }
  std::vector<double> so, sn;
  for (int i = 0; i < 31; ++i) { median_ms([&]{ eo::noise_sigma(tiles); }, so); median_ms([&]{ en::noise_sigma(tiles); }, sn); }
  std::sort(so.begin(), so.end()); std::sort(sn.begin(), sn.end());
  std::printf("  noise sigma    old %.2f  new %.2f  (x%.2f)\n", so[15], sn[15], so[15] / sn[15]);
  for (auto* v : {&mo, &mn, &vo, &vn}) std::sort(v->begin(), v->end());
  std::printf("nine tiles of a 1 MP image with noise sigma 25, median of 31 (ms):\n  midtone sigma  old %.2f  new %.2f  (x%.2f)\n  evidence       old %.2f  new %.2f  (x%.2f)\n",
              mo[15], mn[15], mo[15] / mn[15], vo[15], vn[15], vo[15] / vn[15]);
}
