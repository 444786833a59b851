// The classical reasoner: one established estimator per degradation, no learned weights.
// noise, blur, JPEG and haze come from the measured evidence (src/reason/evidence.hpp names the
// methods); here:
//   blur      the gradient energy ratio inverted for the edge's blur sigma_b
//   low_light the 97th luma percentile against a well-exposed 0.85, in linear light (stops)
//   rain      bright thin residuals that continue along a near-vertical direction more than
//             across it (oriented high-frequency streak energy)
// Each estimator yields the type's main factor; severity follows from the documented scale.
#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

#include "core/resize.hpp"
#include "degrade/ops.hpp"
#include "reason/evidence.hpp"
#include "rirf/error.hpp"
#include "rirf/reasoner.hpp"
#include "rirf/scene.hpp"

namespace rirf {
namespace {

constexpr std::int64_t kMaxSide = 512;  // full-resolution estimators look at a centred crop
constexpr std::int64_t kGlobalSide = 512;  // global estimators (haze, exposure) see a downscaled copy

double blur_extent(const at::Tensor& rgb) {
  const double r = evidence::gradient_energy_ratio(rgb)[0].item<double>();
  const double sigma_b = r / std::sqrt(1.0 - r * r);
  constexpr double kIntrinsic = 0.75;  // the softness of a sharp, downscaled photo's edges
  return 2.0 * std::sqrt(2.0) * std::sqrt(std::max(0.0, sigma_b * sigma_b - kIntrinsic * kIntrinsic));
}

double exposure_deficit(const at::Tensor& rgb) {
  const at::Tensor y = detail::luma(rgb).flatten();
  const double p97 = std::max(1e-4, std::get<0>(y.kthvalue(std::max<std::int64_t>(1, y.numel() * 97 / 100))).item<double>());
  const auto linear = [](double v) {
    return detail::srgb_to_linear(at::scalar_tensor(v, at::kDouble)).item<double>();
  };
  return std::max(0.0, std::log2(linear(0.85) / linear(p97)));
}

double rain_coverage(const at::Tensor& rgb) {
  const at::Tensor y = detail::luma(rgb);
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
    set(DegradationType::noise, evidence::noise_sigma(crop)[0].item<double>(), 4.0, 1.5);
    set(DegradationType::blur, blur_extent(crop), 1.2, 0.4);
    set(DegradationType::jpeg, evidence::jpeg_trace(crop).quality[0].item<double>(), 90.0, 5.0);
    set(DegradationType::rain, rain_coverage(crop), 0.008, 0.004);
    const at::Tensor global = detail::shrink_to(x, kGlobalSide);
    set(DegradationType::haze, evidence::haze_density(global)[0].item<double>(), 0.2, 0.05);
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
