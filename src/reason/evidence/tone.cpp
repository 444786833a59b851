// Tone evidence (haze and low light): black level, luma median and 97th percentile, saturation.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <tuple>

#include "core/filters.hpp"
#include "reason/evidence/shared.hpp"
#include "rirf/error.hpp"

namespace rirf::evidence {

at::Tensor tone_from(const at::Tensor& x, const at::Tensor& y) {
  const at::Tensor darkest = std::get<0>(x.min(1)).flatten(1), brightest = std::get<0>(x.max(1)).flatten(1);
  const at::Tensor saturation = ((brightest - darkest) / brightest.clamp_min(1e-3)).mean(1);
  const at::Tensor luma = y.flatten(1);
  return at::stack({percentile(darkest, 2.0), percentile(luma, 50.0), percentile(luma, 97.0), saturation}, 1)
      .to(at::kDouble);
}

at::Tensor tone_statistics(const at::Tensor& images) {
  const at::Tensor x = images.to(at::kCPU, at::kFloat);
  return tone_from(x, detail::luma(x));
}

}  // namespace rirf::evidence
