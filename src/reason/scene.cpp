// Scene attributes, each a documented statistic (docs/diagnosis.md):
//   brightness     mean BT.601 luma
//   contrast       standard deviation of luma (RMS contrast)
//   dynamic_range  99th minus 1st luma percentile
//   colourfulness  Hasler & Suesstrunk (2003) M on the 0-1 scale
//   sky_fraction   share of the upper half that is bright, smooth and blue or grey
//   texture_density share of pixels whose luma gradient exceeds 0.05 per pixel
#include "rirf/scene.hpp"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

#include "core/resize.hpp"
#include "core/unit_range.hpp"
#include "core/filters.hpp"
#include "rirf/error.hpp"

namespace rirf {

SceneAttributes measure_scene(const at::Tensor& image) {
  check(image.dim() == 4 && image.size(0) == 1 && image.size(1) == 3, "measure_scene: expected [1, 3, H, W]");
  const at::Tensor x = detail::shrink_to(detail::in_unit_range(image.to(at::kCPU, at::kFloat)), 512);
  const at::Tensor r = x.select(1, 0), g = x.select(1, 1), b = x.select(1, 2);
  const at::Tensor luma = detail::luma(x)[0][0];  // [H, W]
  SceneAttributes s;
  s.brightness = luma.mean().item<double>();
  s.contrast = luma.numel() > 1 ? luma.std().item<double>() : 0.0;
  // Percentiles from a 1024-bin histogram: exact to 1/1024, without sorting every pixel.
  const at::Tensor cdf = at::histc(luma.flatten(), 1024, 0.0, 1.0).cumsum(0) / static_cast<double>(luma.numel());
  const auto percentile = [&cdf](double p) { return (cdf < p).sum().item<double>() / 1024.0; };
  s.dynamic_range = percentile(0.99) - percentile(0.01);

  const at::Tensor rg = r - g, yb = 0.5 * (r + g) - b;
  const auto stdev = [](const at::Tensor& t) { return t.numel() > 1 ? t.std().item<double>() : 0.0; };
  s.colourfulness = std::min(1.0, std::hypot(stdev(rg), stdev(yb)) +
                                      0.3 * std::hypot(rg.mean().item<double>(), yb.mean().item<double>()));

  // Gradient magnitude by forward differences, replicated at the far edges.
  const at::Tensor dx = at::constant_pad_nd(luma.slice(1, 1) - luma.slice(1, 0, -1), {0, 1});
  const at::Tensor dy = at::constant_pad_nd(luma.slice(0, 1) - luma.slice(0, 0, -1), {0, 0, 0, 1});
  const at::Tensor grad = at::sqrt(dx * dx + dy * dy);
  s.texture_density = (grad > 0.05).to(at::kFloat).mean().item<double>();

  const auto top = std::max<std::int64_t>(1, luma.size(0) / 2);
  const at::Tensor upper = luma.slice(0, 0, top), upper_grad = grad.slice(0, 0, top);
  const at::Tensor ur = r.squeeze(0).slice(0, 0, top), ug = g.squeeze(0).slice(0, 0, top), ub = b.squeeze(0).slice(0, 0, top);
  const at::Tensor saturation = at::max(ur, at::max(ug, ub)) - at::min(ur, at::min(ug, ub));
  const at::Tensor bluish_or_grey = (ub >= ur - 0.02) | (saturation < 0.08);
  const at::Tensor sky = (upper > 0.45) & (upper_grad < 0.02) & bluish_or_grey;
  s.sky_fraction = sky.to(at::kFloat).mean().item<double>();
  return s;
}

}  // namespace rirf
