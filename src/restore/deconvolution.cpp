// Regularised deconvolution of a diagnosed blur (deconvolution.hpp).
#include "restore/deconvolution.hpp"

#include <ATen/ATen.h>

#include <algorithm>
#include <map>
#include <utility>

#include "core/filters.hpp"
#include "rirf/error.hpp"
#include "rirf/plan.hpp"

namespace rirf {
namespace {

// The filter conj(K) / (|K|^2 + lambda |L|^2) for an h x w frame (rfft2 layout): K the kernel's
// transfer function (its centre at the origin, so the result is not shifted), L the Laplacian's.
at::Tensor deconvolution_filter(const BlurFactors& k, double lambda, std::int64_t h, std::int64_t w) {
  const std::int64_t size = k.kernel_size;
  at::Tensor psf = at::zeros({h, w}, at::kFloat);
  psf.slice(0, 0, size).slice(1, 0, size).copy_(
      at::from_blob(const_cast<float*>(k.kernel.data()), {size, size}, at::kFloat));
  psf = at::roll(psf, {-(size / 2), -(size / 2)}, {0, 1});
  at::Tensor laplacian = at::zeros({h, w}, at::kFloat);
  laplacian[0][0] = 4.0;
  laplacian[0][1] = laplacian[0][w - 1] = laplacian[1][0] = laplacian[h - 1][0] = -1.0;
  const at::Tensor K = at::fft_rfft2(psf), L = at::fft_rfft2(laplacian);
  return K.conj() / (K.abs().square() + lambda * L.abs().square());
}

// How far the filter reaches: the smallest margin outside which its impulse response sums, in
// absolute value, to under kTailMass, so a tile with that margin of real pixels is the whole
// image's deconvolution to within kTailMass (pixels in [0, 1]). A disk's transfer function has
// zeros, and its regularised inverse rings far: 200 px for a 16 px defocus, against 50 for a
// Gaussian of that extent.
constexpr double kTailMass = 1e-3;
constexpr std::int64_t kMaxReach = 384;

std::int64_t filter_reach(const BlurFactors& k, double lambda) {
  const std::int64_t n = 2 * kMaxReach + 64;
  const at::Tensor response =
      at::roll(at::fft_irfft2(deconvolution_filter(k, lambda, n, n), c10::IntArrayRef{n, n}), {n / 2, n / 2}, {0, 1}).abs();
  const at::Tensor axis = at::arange(n, at::kFloat) - static_cast<double>(n / 2);
  const at::Tensor radius = at::max(axis.abs().view({n, 1}), axis.abs().view({1, n}));  // square margins
  for (std::int64_t reach = 8; reach < kMaxReach; reach += 8)
    if (response.masked_select(radius > static_cast<double>(reach)).sum().item<double>() < kTailMass) return reach;
  return kMaxReach;
}

// x padded by `top, bottom, left, right`: mirrored where the image is large enough, else repeated.
at::Tensor pad_edges(const at::Tensor& x, std::int64_t top, std::int64_t bottom, std::int64_t left, std::int64_t right) {
  const bool mirror = std::max(top, bottom) < x.size(2) && std::max(left, right) < x.size(3);
  return mirror ? at::reflection_pad2d(x, {left, right, top, bottom}) : at::replication_pad2d(x, {left, right, top, bottom});
}

}  // namespace

std::optional<BlurFactors> deconvolution_kernel(const Finding& blur) {
  if (!blur.present || !blur.factors.contains(main_factor_name(DegradationType::blur))) return std::nullopt;
  const double extent = blur.factors[main_factor_name(DegradationType::blur)].get<double>() * kDeconvolutionExtentScale;
  if (!(extent >= 1.0)) return std::nullopt;  // under a pixel: nothing a deconvolution would show
  const bool defocus = blur.factors.contains("kind") && blur.factors["kind"] == "defocus";
  BlurFactors kernel{defocus ? BlurKind::defocus : BlurKind::gaussian, std::min(extent, 40.0), 0.0, {}, 0};
  generate_blur_kernel(kernel, 0);
  return kernel;
}

at::Tensor deconvolve(const at::Tensor& image, const BlurFactors& kernel, double lambda, std::int64_t tile) {
  check(image.dim() == 4 && image.size(0) == 1, "deconvolve: expected an image [1, C, H, W]");
  check(kernel.kernel_size > 0 && static_cast<std::int64_t>(kernel.kernel.size()) == std::int64_t{kernel.kernel_size} * kernel.kernel_size,
        "deconvolve: the kernel is not generated");
  check(lambda > 0 && tile >= 16, "deconvolve: lambda must be positive and tiles at least 16 px");
  const std::int64_t h = image.size(2), w = image.size(3);
  const std::int64_t margin = filter_reach(kernel, lambda);
  // Tiles of at least four margins, so the margins do not cost more than the tiles (up to 1024 px).
  tile = std::max(tile, std::min<std::int64_t>(4 * margin, 1024));
  const at::Tensor x = image.to(at::kFloat);
  at::Tensor out = at::empty_like(x);
  std::map<std::pair<std::int64_t, std::int64_t>, at::Tensor> filters;  // by padded frame size
  for (std::int64_t top = 0; top < h; top += tile)
    for (std::int64_t left = 0; left < w; left += tile) {
      const std::int64_t bottom = std::min(h, top + tile), right = std::min(w, left + tile);
      // The tile and its margin, as much of it as the image holds; the rest mirrored.
      const std::int64_t r0 = std::max<std::int64_t>(0, top - margin), r1 = std::min(h, bottom + margin);
      const std::int64_t c0 = std::max<std::int64_t>(0, left - margin), c1 = std::min(w, right + margin);
      const at::Tensor frame = pad_edges(x.slice(2, r0, r1).slice(3, c0, c1), margin - (top - r0),
                                         margin - (r1 - bottom), margin - (left - c0), margin - (c1 - right));
      const std::int64_t fh = frame.size(2), fw = frame.size(3);
      auto& filter = filters[{fh, fw}];
      if (!filter.defined()) filter = deconvolution_filter(kernel, lambda, fh, fw);
      const at::Tensor sharp = at::fft_irfft2(at::fft_rfft2(frame) * filter, c10::IntArrayRef{fh, fw});
      out.slice(2, top, bottom).slice(3, left, right).copy_(
          sharp.slice(2, margin, margin + bottom - top).slice(3, margin, margin + right - left));
    }
  return out.clamp_(0.0, 1.0);
}

}  // namespace rirf
