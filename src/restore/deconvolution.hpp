// Internal: undoing a diagnosed blur by regularised deconvolution, after the network.
//
// RestorerNet leaves blur in place (docs/notebook/restorer.md: in the mixed training stream its identity
// mode for blur is an attractor no CPU run has left), while the diagnosis says how wide the blur
// is. A Wiener-type filter with that kernel and a Laplacian prior (Tikhonov) sharpens what the
// network returns. The diagnosis carries no motion direction, so every kernel is isotropic: a
// disk for defocus, a Gaussian otherwise (a motion blur is then sharpened in every direction,
// which still measured better than leaving it).
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <optional>

#include "rirf/diagnosis.hpp"
#include "rirf/plan.hpp"

namespace rirf {

// The kernel to deconvolve a diagnosed blur with, or nothing when there is no blur to undo (not
// present, or narrower than a pixel once scaled). Its extent is the diagnosed one times
// kDeconvolutionExtentScale: too wide a kernel rings, too narrow only sharpens less.
std::optional<BlurFactors> deconvolution_kernel(const Finding& blur);

// image: [1, C, H, W]. Deconvolved tile by tile (tiles of `tile` px, each with a margin of real
// pixels, mirrored at the image's border), so memory is bounded by the tile; clamped to [0, 1].
at::Tensor deconvolve(const at::Tensor& image, const BlurFactors& kernel, double lambda, std::int64_t tile = 512);

// Chosen on the training photos (docs/notebook/restorer.md, "Deconvolution after the network").
constexpr double kDeconvolutionExtentScale = 0.7;
constexpr double kDeconvolutionLambda = 0.04;

}  // namespace rirf
