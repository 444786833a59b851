// The evidence vector DiagNet reads: every type's measures, each luma and blur made once.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <tuple>

#include "rirf/degradation.hpp"

#include "core/filters.hpp"
#include "reason/evidence/shared.hpp"
#include "rirf/error.hpp"

namespace rirf::evidence {
namespace {

// avg_pool2d(x, {2, 2}) with the same sums in the same order (equal bits), in a loop: libtorch's
// pool took 2.2 ms on nine 256 px tiles.
at::Tensor half_size(const at::Tensor& x) {
  const at::Tensor in = x.contiguous();
  const std::int64_t planes = in.size(0) * in.size(1), h = in.size(2), w = in.size(3), oh = h / 2, ow = w / 2;
  at::Tensor out = at::empty({in.size(0), in.size(1), oh, ow}, in.options());
  const float* src = in.data_ptr<float>();
  float* dst = out.data_ptr<float>();
  at::parallel_for(0, planes * oh, 16, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t row = begin; row < end; ++row) {
      const float* r0 = src + (row / oh * h + row % oh * 2) * w;
      const float* r1 = r0 + w;
      float* o = dst + row * ow;
      for (std::int64_t j = 0; j < ow; ++j) o[j] = (((r0[2 * j] + r0[2 * j + 1]) + r1[2 * j]) + r1[2 * j + 1]) / 4.0f;
    }
  });
  return out;
}

}  // namespace

at::Tensor evidence_vector(const at::Tensor& images) {
  const JpegTrace jpeg = jpeg_trace(images);
  at::Tensor jpeg_severity = at::empty_like(jpeg.quality);
  for (std::int64_t i = 0; i < jpeg.quality.size(0); ++i)
    jpeg_severity[i] = severity_from_factor(DegradationType::jpeg, jpeg.quality[i].item<double>()) / 100.0;
  const at::Tensor jpeg_logit = at::logit(jpeg_severity.clamp(0.01, 0.99)) / 4.0;
  const at::Tensor x = images.to(at::kCPU, at::kFloat);
  const at::Tensor half = half_size(x);
  // Each luma and each blur of it is made once: several measures read the same one.
  const at::Tensor y = detail::luma(x), y_1px = detail::gaussian_blur(y, 1.0);
  const at::Tensor y_half = detail::luma(half), y_half_1px = detail::gaussian_blur(y_half, 1.0);
  return at::cat({at::stack({jpeg_severity, jpeg.found, at::log1p(noise_sigma(x)) / 4.0, energy_ratio(y, y_1px),
                             haze_density(half),  // haze is low-frequency
                             jpeg_logit, edge_ratio(y, y_1px), edge_ratio(y_half, y_half_1px),
                             edge_ratio(y_half, detail::gaussian_blur(y_half, 2.0)),
                             (5.0 * rain_from_luma(y)).clamp_max(1.0)},
                            1),
                  tone_from(half, y_half), directional_ratio(y_half, y_half_1px)},
                 1)
      .to(images.options().dtype(at::kFloat).memory_format(at::MemoryFormat::Contiguous));
}

}  // namespace rirf::evidence
