// The classical reasoner: one established estimator per degradation, no learned weights.
// noise, blur, JPEG, haze and rain come from the measured evidence (src/reason/evidence.hpp
// names the methods); here:
//   blur      the gradient energy ratio inverted for the edge's blur sigma_b
//   low_light the 97th luma percentile against a well-exposed 0.85, in linear light (stops)
// Each estimator yields the type's main factor; severity follows from the documented scale.
#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

#include "core/resize.hpp"
#include "core/unit_range.hpp"
#include "core/filters.hpp"
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

// Confidence that the presence call is right: a logistic in the distance to the threshold.
double confidence(double value, double threshold, double scale) {
  return 1.0 / (1.0 + std::exp(-std::abs(value - threshold) / scale));
}

class ClassicalReasoner : public Reasoner {
 public:
  Diagnosis diagnose(const at::Tensor& image) override {
    check(image.dim() == 4 && image.size(0) == 1 && image.size(1) == 3, "diagnose: expected an image [1, 3, H, W]");
    const at::Tensor x = detail::in_unit_range(image.to(at::kCPU, at::kFloat));
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
    set(DegradationType::rain, evidence::rain_coverage(crop)[0].item<double>(), 0.008, 0.004);
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
