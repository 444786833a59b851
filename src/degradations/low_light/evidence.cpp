// Low-light evidence for the classical backend: the 97th luma percentile against a well-exposed
// 0.85, in linear light, as the stops of exposure lost. (DiagNet reads the tone statistics of
// src/reason/evidence/tone.cpp, which haze shares.)
#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <tuple>

#include "core/filters.hpp"
#include "degradations/evidence.hpp"

namespace rirf::degradations {

ClassicalReading classical_reading(std::in_place_type_t<LowLightFactors>, const ClassicalView& view) {
  const at::Tensor y = detail::luma(view.global).flatten();
  const double p97 =
      std::max(1e-4, std::get<0>(y.kthvalue(std::max<std::int64_t>(1, y.numel() * 97 / 100))).item<double>());
  const auto linear = [](double v) { return detail::srgb_to_linear(at::scalar_tensor(v, at::kDouble)).item<double>(); };
  return {std::max(0.0, std::log2(linear(0.85) / linear(p97))), 0.8, 0.3};
}

}  // namespace rirf::degradations
