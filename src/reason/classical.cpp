// The classical reasoner: one established estimator per degradation, no learned weights.
//   noise     Immerkaer (1996) fast noise variance, restricted to the flattest 50% of pixels
//             (edge exclusion in the spirit of Tai & Yang 2008), per channel, on the 0-255 scale
//   blur      the L2 gradient energy kept after a known extra Gaussian blur: for an edge blurred
//             by sigma_b, E(blurred) / E = sigma_b / sqrt(sigma_b^2 + 1) (inverted for sigma_b)
//   jpeg      quantisation traces: the DCT coefficients of the 8x8 luma blocks cluster at
//             multiples of the quantiser step; the largest periodic step, against the IJG table,
//             gives the quality
//   haze      dark channel prior (He et al. 2009): transmission 1 - 0.95 dark(I / A)
//   low_light the 97th luma percentile against a well-exposed 0.85, in linear light (stops)
//   rain      bright thin residuals that continue along a near-vertical direction more than
//             across it (oriented high-frequency streak energy)
// Each estimator yields the type's main factor; severity follows from the documented scale.
#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

#include "core/resize.hpp"
#include "degrade/ops.hpp"
#include "rirf/error.hpp"
#include "rirf/reasoner.hpp"
#include "rirf/scene.hpp"

namespace rirf {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr std::int64_t kMaxSide = 512;  // full-resolution estimators look at a centred crop
constexpr std::int64_t kGlobalSide = 512;  // global estimators (haze, exposure) see a downscaled copy

at::Tensor luma_of(const at::Tensor& rgb) {
  return rgb.select(1, 0).unsqueeze(1) * 0.299 + rgb.select(1, 1).unsqueeze(1) * 0.587 +
         rgb.select(1, 2).unsqueeze(1) * 0.114;
}

double noise_sigma(const at::Tensor& rgb) {
  // rgb: [1, 3, H, W] in [0, 1]
  if (rgb.size(2) < 8 || rgb.size(3) < 8) return 0.0;
  const at::Tensor x = (rgb * 255.0).transpose(0, 1);  // channels as batch: [3, 1, H, W]
  const at::Tensor laplacian = at::tensor({1.f, -2.f, 1.f, -2.f, 4.f, -2.f, 1.f, -2.f, 1.f}).view({1, 1, 3, 3});
  const at::Tensor sobel_x = at::tensor({-1.f, 0.f, 1.f, -2.f, 0.f, 2.f, -1.f, 0.f, 1.f}).view({1, 1, 3, 3});
  const at::Tensor m = at::conv2d(x, laplacian).abs();
  const at::Tensor g = at::conv2d(x, sobel_x).abs() + at::conv2d(x, sobel_x.transpose(2, 3)).abs();
  double total = 0;
  for (int c = 0; c < 3; ++c) {
    const at::Tensor gc = g[c].flatten(), mc = m[c].flatten();
    const at::Tensor flat = gc <= at::median(gc);
    total += std::sqrt(kPi / 2.0) / 6.0 * mc.masked_select(flat).mean().item<double>();
  }
  return total / 3.0;
}

double blur_extent(const at::Tensor& rgb) {
  const at::Tensor y = luma_of(rgb);
  const auto energy = [](const at::Tensor& t) {
    const at::Tensor dx = t.slice(3, 1) - t.slice(3, 0, -1), dy = t.slice(2, 1) - t.slice(2, 0, -1);
    return dx.pow(2).mean().item<double>() + dy.pow(2).mean().item<double>();
  };
  const double e0 = energy(y);
  if (e0 <= 1e-12) return 0.0;
  const double r = std::clamp(energy(detail::gaussian_blur(y, 1.0)) / e0, 0.0, 0.995);
  const double sigma_b = r / std::sqrt(1.0 - r * r);
  constexpr double kIntrinsic = 0.75;  // the softness of a sharp, downscaled photo's edges
  return 2.0 * std::sqrt(2.0) * std::sqrt(std::max(0.0, sigma_b * sigma_b - kIntrinsic * kIntrinsic));
}

// IJG luminance quantisation table, row-major (JPEG Annex K).
const int kLumaTable[64] = {16, 11, 10, 16, 24,  40,  51,  61,  12, 12, 14, 19, 26,  58,  60,  55,
                            14, 13, 16, 24, 40,  57,  69,  56,  14, 17, 22, 29, 51,  87,  80,  62,
                            18, 22, 37, 56, 68,  109, 103, 77,  24, 35, 55, 64, 81,  104, 113, 92,
                            49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99};

double jpeg_quality(const at::Tensor& rgb) {
  const std::int64_t h = rgb.size(2) / 8 * 8, w = rgb.size(3) / 8 * 8;
  if (h < 16 || w < 16) return 100.0;
  const at::Tensor y = (luma_of(rgb.slice(2, 0, h).slice(3, 0, w)) * 255.0 - 128.0).squeeze(0).squeeze(0).to(at::kDouble);
  // [H/8, 8, W/8, 8] -> blocks [N, 8, 8]
  const at::Tensor blocks = y.view({h / 8, 8, w / 8, 8}).permute({0, 2, 1, 3}).reshape({-1, 8, 8});
  at::Tensor dct = at::empty({8, 8}, at::kDouble);
  for (int k = 0; k < 8; ++k)
    for (int n = 0; n < 8; ++n)
      dct[k][n] = (k == 0 ? std::sqrt(1.0 / 8) : std::sqrt(2.0 / 8)) * std::cos(kPi * (2 * n + 1) * k / 16.0);
  const at::Tensor coefficients = at::matmul(at::matmul(dct, blocks), dct.t());  // JPEG's FDCT scale
  // Low frequencies carry most blocks' energy; several positions vote.
  const int positions[][2] = {{0, 1}, {1, 0}, {1, 1}, {0, 2}, {2, 0}};
  std::vector<double> qualities;
  for (const auto& p : positions) {
    const at::Tensor c = coefficients.select(1, p[0]).select(1, p[1]);
    int best = 1;
    for (int q = 2; q <= 120; ++q) {
      // Only coefficients at least half a step from zero can show the step (near zero, every
      // large step "fits"); too few of them and larger steps cannot be judged either.
      const at::Tensor used = c.masked_select(c.abs() > 0.5 * q);
      if (used.numel() < 30) break;
      const double score = at::cos(used * (2.0 * kPi / q)).mean().item<double>();
      if (score > 0.6) best = q;  // the largest step the coefficients are multiples of
    }
    if (best <= 1) {
      qualities.push_back(100.0);
      continue;
    }
    const double scale = 100.0 * best / kLumaTable[p[0] * 8 + p[1]];  // IJG: step = table * scale / 100
    qualities.push_back(std::clamp(scale <= 100.0 ? (200.0 - scale) / 2.0 : 5000.0 / scale, 1.0, 100.0));
  }
  if (qualities.empty()) return 100.0;
  std::sort(qualities.begin(), qualities.end());
  return qualities[qualities.size() / 2];
}

double haze_density(const at::Tensor& rgb) {
  const at::Tensor dark_pixels = std::get<0>(rgb.min(1, true));
  const auto patch = [](const at::Tensor& t) { return -at::max_pool2d(-t, {15, 15}, {1, 1}, {7, 7}); };
  const at::Tensor dark = patch(dark_pixels).flatten();
  const std::int64_t top = std::max<std::int64_t>(1, dark.numel() / 1000);
  const at::Tensor brightest = std::get<1>(dark.topk(top));
  const at::Tensor airlight = rgb.flatten(2).index_select(2, brightest).mean(2).view({1, 3, 1, 1}).clamp_min(0.05);
  const at::Tensor normalised_dark = patch(std::get<0>((rgb / airlight).min(1, true)));
  const at::Tensor t = (1.0 - 0.95 * normalised_dark).clamp(0.05, 1.0);
  return std::clamp(1.0 - at::median(t.flatten()).item<double>(), 0.0, 0.95);
}

double exposure_deficit(const at::Tensor& rgb) {
  const at::Tensor y = luma_of(rgb).flatten();
  const double p97 = std::max(1e-4, std::get<0>(y.kthvalue(std::max<std::int64_t>(1, y.numel() * 97 / 100))).item<double>());
  const auto linear = [](double v) { return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
  return std::max(0.0, std::log2(linear(0.85) / linear(p97)));
}

double rain_coverage(const at::Tensor& rgb) {
  const at::Tensor y = luma_of(rgb);
  const at::Tensor residual = y - detail::gaussian_blur(y, 2.0);
  const at::Tensor mask = (residual > 0.04).to(at::kFloat).squeeze(0).squeeze(0);
  const double area = mask.mean().item<double>();
  if (area < 1e-4 || mask.size(0) < 8 || mask.size(1) < 8) return 0.0;
  // Continuation 3 px along a direction: P(mask at p + d | mask at p).
  const auto continuation = [&](int dy, int dx) {
    const auto H = mask.size(0), W = mask.size(1);
    const at::Tensor a = mask.slice(0, 0, H - dy).slice(1, std::max(0, -dx), W - std::max(0, dx));
    const at::Tensor b = mask.slice(0, dy, H).slice(1, std::max(0, dx), W - std::max(0, -dx));
    return (a * b).sum().item<double>() / std::max(1.0, a.sum().item<double>());
  };
  double along = 0;
  for (int dx = -1; dx <= 1; ++dx) along = std::max(along, continuation(3, dx));  // within ~20 deg of vertical
  const double across = continuation(0, 3);
  const double oriented = std::max(0.0, along - across) / std::max(along, 1e-6);
  return std::clamp(area * oriented, 0.0, 0.5);
}

// Confidence that the presence call is right: a logistic in the distance to the threshold.
double confidence(double value, double threshold, double scale) {
  return 1.0 / (1.0 + std::exp(-std::abs(value - threshold) / scale));
}

class ClassicalReasoner : public Reasoner {
 public:
  Diagnosis diagnose(const at::Tensor& image) override {
    check(image.dim() == 4 && image.size(0) == 1 && image.size(1) == 3, "diagnose: expected an image [1, 3, H, W]");
    const at::Tensor x = image.to(at::kCPU, at::kFloat).clamp(0, 1);
    const auto h = x.size(2), w = x.size(3);
    // A centred crop for the full-resolution estimators, its origin on the 8x8 JPEG grid.
    const std::int64_t ch = std::min(h, kMaxSide), cw = std::min(w, kMaxSide);
    const std::int64_t top = (h - ch) / 2 / 8 * 8, left = (w - cw) / 2 / 8 * 8;
    const at::Tensor crop = x.slice(2, top, top + ch).slice(3, left, left + cw);

    Diagnosis d;
    d.backend = name();
    d.width = w;
    d.height = h;
    const auto set = [&](DegradationType type, double factor, double threshold, double scale) {
      Finding& f = d.finding(type);
      const bool worse_when_lower = type == DegradationType::jpeg;
      f.present = worse_when_lower ? factor < threshold : factor > threshold;
      f.confidence = confidence(factor, threshold, scale);
      f.severity = f.present ? severity_from_factor(type, factor) : 0.0;
      f.factors = {{main_factor_name(type), factor}};
    };
    set(DegradationType::noise, noise_sigma(crop), 4.0, 1.5);
    set(DegradationType::blur, blur_extent(crop), 1.2, 0.4);
    set(DegradationType::jpeg, jpeg_quality(crop), 90.0, 5.0);
    set(DegradationType::rain, rain_coverage(crop), 0.008, 0.004);
    const at::Tensor global = detail::shrink_to(x, kGlobalSide);
    set(DegradationType::haze, haze_density(global), 0.2, 0.05);
    set(DegradationType::low_light, exposure_deficit(global), 0.8, 0.3);
    d.scene = measure_scene(x);
    render_reasoning(d);
    return d;
  }
  std::string name() const override { return "classical"; }
};

}  // namespace

std::unique_ptr<Reasoner> make_classical_reasoner() { return std::make_unique<ClassicalReasoner>(); }

}  // namespace rirf
