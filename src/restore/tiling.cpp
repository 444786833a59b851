#include "restore/tiling.hpp"

#include <ATen/ATen.h>

#include <algorithm>

#include "rirf/error.hpp"

namespace rirf {

std::vector<Span> tile_spans(std::int64_t size, std::int64_t tile, std::int64_t overlap, std::int64_t align) {
  check(size > 0 && align > 0 && tile >= 2 * align && overlap >= 0 && overlap < tile, "tiling: bad tile geometry");
  if (size <= tile) return {{0, size}};
  // As few tiles as cover `size` with `overlap`, spread evenly (not full tiles plus a sliver
  // at the end): n tiles at a stride on the align grid, each `overlap` longer than the stride.
  const std::int64_t n = (size - overlap + (tile - overlap) - 1) / (tile - overlap);
  const std::int64_t even = (size - overlap + n - 1) / n;
  const std::int64_t stride = (even + align - 1) / align * align;
  std::vector<Span> spans;
  for (std::int64_t i = 0; i < n && i * stride < size; ++i)
    spans.push_back({i * stride, std::min(size, i * stride + stride + overlap)});
  spans.back().end = size;  // the last tile reaches the border
  return spans;
}

namespace {
// Blend weights along one axis for span i: a linear ramp over the part shared with each
// neighbour, 1 elsewhere (the result is divided by the summed weights).
at::Tensor axis_weights(const std::vector<Span>& spans, std::size_t i) {
  const Span s = spans[i];
  const std::int64_t n = s.end - s.begin;
  at::Tensor w = at::ones({n});
  auto* p = w.data_ptr<float>();
  if (i > 0 && spans[i - 1].end > s.begin) {
    const std::int64_t shared = spans[i - 1].end - s.begin;
    for (std::int64_t k = 0; k < shared; ++k) p[k] = std::min(p[k], static_cast<float>(k + 1) / (shared + 1));
  }
  if (i + 1 < spans.size() && spans[i + 1].begin < s.end) {
    const std::int64_t shared = s.end - spans[i + 1].begin;
    for (std::int64_t k = 0; k < shared; ++k)
      p[n - 1 - k] = std::min(p[n - 1 - k], static_cast<float>(k + 1) / (shared + 1));
  }
  return w;
}
}  // namespace

at::Tensor run_tiled(const at::Tensor& image, std::int64_t tile, std::int64_t overlap, std::int64_t align,
                     const std::function<at::Tensor(const at::Tensor&)>& fn,
                     const std::function<void(int, int)>& progress) {
  // image: [1, C, H, W]
  check(image.dim() == 4 && image.size(0) == 1, "tiling: expected an image [1, C, H, W]");
  const auto rows = tile_spans(image.size(2), tile, overlap, align);
  const auto cols = tile_spans(image.size(3), tile, overlap, align);
  const int total = static_cast<int>(rows.size() * cols.size());
  if (total == 1) {
    at::Tensor out = fn(image);
    if (progress) progress(1, 1);
    return out;
  }
  at::Tensor sum, weight_sum = at::zeros({1, 1, image.size(2), image.size(3)});
  int done = 0;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const at::Tensor wr = axis_weights(rows, r).view({1, 1, -1, 1});
    for (std::size_t c = 0; c < cols.size(); ++c) {
      const at::Tensor wc = axis_weights(cols, c).view({1, 1, 1, -1});
      const at::Tensor in = image.slice(2, rows[r].begin, rows[r].end).slice(3, cols[c].begin, cols[c].end);
      const at::Tensor out = fn(in).to(at::kFloat);
      if (!sum.defined()) sum = at::zeros({1, out.size(1), image.size(2), image.size(3)});
      const at::Tensor w = wr * wc;
      sum.slice(2, rows[r].begin, rows[r].end).slice(3, cols[c].begin, cols[c].end).add_(out * w);
      weight_sum.slice(2, rows[r].begin, rows[r].end).slice(3, cols[c].begin, cols[c].end).add_(w);
      if (progress) progress(++done, total);
    }
  }
  return sum.div_(weight_sum);
}

}  // namespace rirf
