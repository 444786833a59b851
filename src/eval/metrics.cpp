#include "rirf/metrics.hpp"

#include <ATen/ATen.h>

#include <cmath>
#include <limits>

#include "rirf/error.hpp"

namespace rirf {
namespace {

// Validated float64 [1, C, H, W] copies of both inputs, cropped and converted as asked.
std::pair<at::Tensor, at::Tensor> prepare(const at::Tensor& pred, const at::Tensor& truth, const MetricOptions& options) {
  options.validate();
  check(pred.defined() && truth.defined(), "metric inputs must be defined tensors");
  check(pred.sizes() == truth.sizes(), "metric inputs differ in size: " + std::to_string(pred.numel()) + " vs " +
                                           std::to_string(truth.numel()) + " values");
  check(pred.dim() == 3 || (pred.dim() == 4 && pred.size(0) == 1), "metric inputs must be [1, C, H, W] or [C, H, W]");
  at::Tensor a = (pred.dim() == 3 ? pred.unsqueeze(0) : pred).to(at::kCPU, at::kDouble);
  at::Tensor b = (truth.dim() == 3 ? truth.unsqueeze(0) : truth).to(at::kCPU, at::kDouble);
  if (options.y_channel) {
    check(a.size(1) == 3, "Y-channel metrics need RGB inputs");
    a = rgb_to_y(a);
    b = rgb_to_y(b);
  }
  const int c = options.crop_border;
  if (c > 0) {
    check(a.size(2) > 2 * c && a.size(3) > 2 * c, "crop border " + std::to_string(c) + " leaves no pixels");
    a = a.slice(2, c, a.size(2) - c).slice(3, c, a.size(3) - c);
    b = b.slice(2, c, b.size(2) - c).slice(3, c, b.size(3) - c);
  }
  return {a, b};
}

// Normalised 1-D Gaussian of scipy.ndimage.gaussian_filter (radius = int(truncate * sigma + 0.5)).
at::Tensor gaussian_taps(double sigma, double truncate) {
  const int radius = static_cast<int>(truncate * sigma + 0.5);
  at::Tensor x = at::arange(-radius, radius + 1, at::kDouble);
  at::Tensor w = at::exp(-0.5 * x * x / (sigma * sigma));
  return w / w.sum();
}

}  // namespace

void MetricOptions::validate() const {
  check(crop_border >= 0, "invalid crop_border " + std::to_string(crop_border) + ": must be >= 0");
}

at::Tensor rgb_to_y(const at::Tensor& rgb) {
  const at::Tensor r = rgb.select(1, 0), g = rgb.select(1, 1), b = rgb.select(1, 2);
  return ((65.481 * r + 128.553 * g + 24.966 * b + 16.0) / 255.0).unsqueeze(1);
}

double psnr(const at::Tensor& pred, const at::Tensor& truth, const MetricOptions& options) {
  const auto [a, b] = prepare(pred, truth, options);
  const double mse = (a - b).pow(2).mean().item<double>();
  if (mse == 0.0) return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(1.0 / mse);
}

double ssim(const at::Tensor& pred, const at::Tensor& truth, const MetricOptions& options) {
  auto [a, b] = prepare(pred, truth, options);
  const std::int64_t channels = a.size(1);
  // Channels become the batch so one filter serves all of them.
  a = a.transpose(0, 1);
  b = b.transpose(0, 1);

  // A 'valid' filter: its output is exactly scikit-image's map after cropping (win - 1) / 2 per side,
  // so the border mode never matters.
  at::Tensor taps;
  double cov_norm = 1.0;
  if (options.gaussian_window) {
    taps = gaussian_taps(1.5, 3.5);
  } else {
    taps = at::full({7}, 1.0 / 7.0, at::kDouble);
    cov_norm = 49.0 / 48.0;  // sample covariance, as scikit-image's use_sample_covariance=True
  }
  const std::int64_t win = taps.size(0);
  check(a.size(2) >= win && a.size(3) >= win,
        "SSIM needs images of at least " + std::to_string(win) + "x" + std::to_string(win) + " pixels");
  const at::Tensor kv = taps.view({1, 1, win, 1}), kh = taps.view({1, 1, 1, win});
  const auto filter = [&](const at::Tensor& x) { return at::conv2d(at::conv2d(x, kv), kh); };

  const at::Tensor ux = filter(a), uy = filter(b);
  const at::Tensor vx = cov_norm * (filter(a * a) - ux * ux);
  const at::Tensor vy = cov_norm * (filter(b * b) - uy * uy);
  const at::Tensor vxy = cov_norm * (filter(a * b) - ux * uy);
  const double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;  // (K1 * range)^2, (K2 * range)^2 with range 1
  const at::Tensor s = ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
  // Mean per channel, then over channels (scikit-image's channel_axis behaviour).
  return s.reshape({channels, -1}).mean(1).mean().item<double>();
}

at::Tensor center_crop_to_multiple(const at::Tensor& image, int multiple) {
  check(multiple >= 1, "invalid crop multiple " + std::to_string(multiple) + ": must be >= 1");
  const std::int64_t h = image.size(-2), w = image.size(-1);
  const std::int64_t ch = h / multiple * multiple, cw = w / multiple * multiple;
  check(ch > 0 && cw > 0, "image of " + std::to_string(w) + "x" + std::to_string(h) +
                              " is smaller than the crop multiple " + std::to_string(multiple));
  const std::int64_t top = (h - ch) / 2, left = (w - cw) / 2;
  return image.slice(-2, top, top + ch).slice(-1, left, left + cw);
}

}  // namespace rirf
