// The classical reasoner: one established estimator per degradation, no learned weights, each in
// its type's folder (src/degradations/<name>/evidence.cpp; src/reason/evidence.hpp names the
// methods). Each yields the type's main factor; severity follows from the documented scale.
#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

#include "core/resize.hpp"
#include "core/unit_range.hpp"
#include "degradations/evidence.hpp"
#include "rirf/error.hpp"
#include "rirf/reasoner.hpp"
#include "rirf/scene.hpp"

namespace rirf {
namespace {

constexpr std::int64_t kMaxSide = 512;     // full-resolution estimators look at a centred crop
constexpr std::int64_t kGlobalSide = 512;  // global estimators (haze, exposure) see a downscaled copy

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
    const degradations::ClassicalView view{crop, detail::shrink_to(x, kGlobalSide)};
    const auto set = [&](DegradationType type, const degradations::ClassicalReading& reading) {
      Finding& f = d.finding(type);
      f.present = reading.worse_when_lower ? reading.factor < reading.threshold : reading.factor > reading.threshold;
      f.confidence = confidence(reading.factor, reading.threshold, reading.scale);
      f.severity = f.present ? severity_from_factor(type, reading.factor) : 0.0;
      f.factors = {{main_factor_name(type), reading.factor}};
    };
#define RIRF_READ_CLASSICALLY(name, Factors) \
  set(DegradationType::name, degradations::classical_reading(std::in_place_type<Factors>, view));
    RIRF_DEGRADATIONS(RIRF_READ_CLASSICALLY, )
#undef RIRF_READ_CLASSICALLY
    d.scene = measure_scene(x);
    render_reasoning(d);
    return d;
  }
  std::string name() const override { return "classical"; }
};

}  // namespace

std::unique_ptr<Reasoner> make_classical_reasoner() { return std::make_unique<ClassicalReasoner>(); }

}  // namespace rirf
