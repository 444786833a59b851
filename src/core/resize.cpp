#include "core/resize.hpp"

#include <ATen/Parallel.h>

namespace rirf::detail {

at::Tensor area_average(const at::Tensor& image, std::int64_t oh, std::int64_t ow) {
  const at::Tensor in = image.to(at::kFloat).contiguous();
  const std::int64_t planes = in.size(0) * in.size(1), h = in.size(2), w = in.size(3);
  const auto window = [](std::int64_t i, std::int64_t in_size, std::int64_t out_size) {
    return std::pair<std::int64_t, std::int64_t>{i * in_size / out_size, ((i + 1) * in_size + out_size - 1) / out_size};
  };
  at::Tensor rows = at::empty({planes, oh, w}, in.options());
  at::Tensor out = at::empty({in.size(0), in.size(1), oh, ow}, in.options());
  const float* src = in.data_ptr<float>();
  float *row_means = rows.data_ptr<float>(), *dst = out.data_ptr<float>();
  at::parallel_for(0, planes * oh, 8, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t index = begin; index < end; ++index) {
      const auto [first, last] = window(index % oh, h, oh);
      const float* plane = src + index / oh * h * w;
      float* mean = row_means + index * w;
      std::fill(mean, mean + w, 0.0f);
      for (std::int64_t r = first; r < last; ++r)
        for (std::int64_t j = 0; j < w; ++j) mean[j] += plane[r * w + j];
      const float scale = 1.0f / static_cast<float>(last - first);
      for (std::int64_t j = 0; j < w; ++j) mean[j] *= scale;
    }
  });
  at::parallel_for(0, planes * oh, 8, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t index = begin; index < end; ++index)
      for (std::int64_t j = 0; j < ow; ++j) {
        const auto [first, last] = window(j, w, ow);
        float sum = 0.0f;
        for (std::int64_t k = first; k < last; ++k) sum += row_means[index * w + k];
        dst[index * ow + j] = sum / static_cast<float>(last - first);
      }
  });
  return out;
}

}  // namespace rirf::detail
