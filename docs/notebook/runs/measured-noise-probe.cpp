// Probe: noise-sigma estimators against DiagNet's sigma on training photos (not validation).
// Built against build/librirf.a like the other probes (docs/notebook/runs/deconvolution-grid-probe.cpp);
// run from build/ (CSV on stdout; the estimators: all = every flat pixel, mid = the flattest half
// of each 0.1 brightness band in 0.3-0.7, pooled (shipped as evidence::midtone_noise_sigma),
// nlf = a line fitted to the bands' variances, read at 0.5; mid25 = the flattest quarter):
//   probe B11CE $(ls -d ../../shared/data/train/photos/*/) > nlf-p3.csv
//   probe A11CE ../../shared/data/train/div2k256 > nlf-d3.csv
// then docs/notebook/runs/measured-noise-rule.py nlf-p3.csv nlf-d3.csv.
#include <torch/torch.h>
#include <cmath>
#include <cstdio>
#include "rirf/degrade.hpp"
#include "rirf/diagnet.hpp"
#include "rirf/image_io.hpp"
#include "train/train_util.hpp"

using namespace rirf;
static const double kPi = 3.14159265358979;

static at::Tensor along_w(const at::Tensor& t, double a, double b, double c) {
  return a * t.slice(3, 0, -2) + b * t.slice(3, 1, -1) + c * t.slice(3, 2);
}
static at::Tensor along_h(const at::Tensor& t, double a, double b, double c) {
  return a * t.slice(2, 0, -2) + b * t.slice(2, 1, -1) + c * t.slice(2, 2);
}

// returns {allflat, midtone, nlf_at_half, nlf_slope_fraction}
static std::vector<double> estimates(const at::Tensor& tiles) {
  const at::Tensor x = tiles * 255.0;
  const at::Tensor m = along_h(along_w(x, 1, -2, 1), 1, -2, 1).abs().flatten(2).flatten(0, 1);
  const at::Tensor g = (along_h(along_w(x, -1, 0, 1), 1, 2, 1).abs() + along_w(along_h(x, -1, 0, 1), 1, 2, 1).abs()).flatten(2).flatten(0, 1);
  const at::Tensor mean = (along_h(along_w(x, 1, 1, 1), 1, 1, 1) / (9.0 * 255.0)).flatten(2).flatten(0, 1);
  const double k = std::sqrt(kPi / 2.0) / 6.0;
  // all flat
  double all = 0, mid = 0;
  {
    const at::Tensor med = std::get<0>(g.kthvalue((g.size(1) + 1) / 2, 1, true));
    const at::Tensor flat = (g <= med).to(at::kFloat);
    all = (k * (m * flat).sum(1) / flat.sum(1).clamp_min(1.0)).mean().item<double>();
  }
  // pooled over rows: bins
  const int kBins = 10;
  std::vector<double> bx, bv, bw;
  double midsum = 0, midcnt = 0, q4sum = 0;
  auto mf = m.flatten(), gf = g.flatten(), xf = mean.flatten();
  for (int b = 0; b < kBins; ++b) {
    const double lo = double(b) / kBins, hi = double(b + 1) / kBins;
    const at::Tensor sel = (xf >= lo) & (xf < hi);
    const int64_t n = sel.sum().item<int64_t>();
    if (n < 256) continue;
    const at::Tensor gs = gf.masked_select(sel), ms = mf.masked_select(sel);
    const at::Tensor med = std::get<0>(gs.kthvalue((n + 1) / 2));
    const at::Tensor flat = gs <= med;
    const double s = k * ms.masked_select(flat).mean().item<double>();
    const at::Tensor q4 = std::get<0>(gs.kthvalue((n + 3) / 4));
    const double s4 = k * ms.masked_select(gs <= q4).mean().item<double>();
    if (b >= 3 && b <= 6) { q4sum += s4 * s4 * n; }
    bx.push_back((lo + hi) / 2); bv.push_back(s * s); bw.push_back(double(n));
    if (b >= 3 && b <= 6) { midsum += s * s * n; midcnt += n; }  // 0.3-0.7
  }
  mid = midcnt > 0 ? std::sqrt(midsum / midcnt) : all;
  // weighted LS var = a + b x, exclude extreme bins (clipping)
  double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (size_t i = 0; i < bx.size(); ++i) {
    if (bx[i] < 0.1 || bx[i] > 0.9) continue;
    const double w = std::sqrt(bw[i]);
    sw += w; sx += w * bx[i]; sy += w * bv[i]; sxx += w * bx[i] * bx[i]; sxy += w * bx[i] * bv[i];
  }
  double nlf = mid, slope = 0;
  const double det = sw * sxx - sx * sx;
  if (sw > 0 && det > 1e-9 * sw * sw) {
    double b = (sw * sxy - sx * sy) / det;
    double a = (sy - b * sx) / sw;
    if (b < 0) { b = 0; a = sy / sw; }
    if (a < 0) { a = 0; b = sxy / sxx; }
    nlf = std::sqrt(std::max(0.0, a + 0.5 * b));
    slope = (a + 0.5 * b) > 0 ? 0.5 * b / (a + 0.5 * b) : 0;
  }
  return {all, mid, nlf, midcnt > 0 ? std::sqrt(q4sum / midcnt) : all};
}

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
  std::printf("file,kind,types,detected,truth,sd,corr,shared,net,present,all,mid,nlf,mid25\n");
  uint64_t index = 0;
  for (const auto& file : files) {
    const at::Tensor clean = load_image(file).rgb;
    std::vector<std::pair<std::string, DegradationPlan>> plans;
    for (int k = 0; k < 2; ++k) {
      Rng rng(derive_seed(base, index++));
      plans.push_back({"single", {{make_step(DegradationType::noise, rng.uniform(10, 90), rng)}}});
    }
    for (int k = 0; k < 3; ++k) {
      Rng rng(derive_seed(base, index++));
      SampleOptions c; c.min_count = 2; c.max_count = 3;
      DegradationPlan p = sample_plan(c, rng);
      if (p.has(DegradationType::noise)) plans.push_back({"composite", p});
    }
    for (auto& [kind, plan] : plans) {
      const at::Tensor img = train::quantise(apply(clean, plan));
      const Diagnosis d = reasoner->diagnose(img);
      std::string types, detected;
      double truth = 0, sd = 0, corr = 0; int shared = 0;
      for (auto& st : plan.steps) {
        types += std::string(type_name(st.type)) + "+";
        if (st.type == DegradationType::noise) {
          auto f = std::get<NoiseFactors>(st.factors);
          truth = f.sigma; sd = f.signal_dependence; corr = f.correlation_px; shared = f.channel_shared;
        }
      }
      for (auto t : all_degradation_types()) if (d.finding(t).present) detected += std::string(type_name(t)) + "+";
      const auto& nf = d.finding(DegradationType::noise);
      const double net = nf.factors["sigma"].get<double>();
      std::vector<at::Tensor> crops;
      for (auto& t : diagnosis_tiles(img.size(2), img.size(3)))
        crops.push_back(img.slice(2, t.top, t.top + t.height).slice(3, t.left, t.left + t.width));
      auto e = estimates(at::cat(crops, 0));
      const std::string base_name = file.substr(file.rfind('/') + 1);
      std::printf("%s,%s,%s,%s,%.2f,%.2f,%.2f,%d,%.3f,%d,%.3f,%.3f,%.3f,%.3f\n", base_name.c_str(), kind.c_str(), types.c_str(),
                  detected.c_str(), truth, sd, corr, shared, net, nf.present ? 1 : 0, e[0], e[1], e[2], e[3]);
      std::fflush(stdout);
    }
  }
}
