// Measured evidence: established hand-made estimators, batched over [N, 3, H, W] images in
// [0, 1]. The classical backend turns them into its findings; DiagNet's heads read them next to
// the learned statistics, because a small CNN approximates some of them poorly (a JPEG quantiser
// step is a periodicity of DCT coefficients, not a local pattern).
//   jpeg    quantisation traces: the DCT coefficients of the 8x8 luma blocks cluster at multiples
//           of the quantiser step; the largest periodic step, against the IJG table, gives the
//           quality (median over five low-frequency positions). Needs the origin on the 8x8 grid.
//   noise   Immerkaer (1996) fast noise variance, restricted to the flattest 50% of pixels (edge
//           exclusion in the spirit of Tai & Yang 2008), per channel, on the 0-255 scale; and the
//           same from the mid-tones only (the sigma at mid-grey, for the reported factor)
//   blur    the L2 gradient energy kept after a known extra Gaussian blur of sigma 1 px: for an
//           edge blurred by sigma_b, E(blurred) / E = sigma_b / sqrt(sigma_b^2 + 1)
//   haze    dark channel prior (He et al. 2009): median of 1 - 0.95 dark(I / A)
//   edges   the same ratio for the strongest edges only (99th percentile of the gradient
//           magnitude): a smooth scene with a few sharp edges still reads sharp, a blurred one
//           does not (the L2 energy cannot tell a blurred photo from one of soft content)
//           and per direction (0, 45, 90, 135 deg): motion blur smears along one direction only
//           and leaves the edges across it sharp, so the isotropic ratios miss it
//   rain    bright thin residuals that continue along a near-vertical direction more than
//           across it (oriented high-frequency streak energy): the streaks' area share
//   tone    black level (2nd percentile of the darkest channel), luma median and 97th
//           percentile, mean saturation: haze lifts the black level and washes out colour,
//           low light pulls the percentiles down
#pragma once

#include <ATen/ATen.h>

namespace rirf::evidence {

struct JpegTrace {
  at::Tensor quality;  // [N] libjpeg quality 1-100; 100 where no quantiser step shows
  at::Tensor found;    // [N] share of the five DCT positions that show a step, 0-1
};
JpegTrace jpeg_trace(const at::Tensor& images);
at::Tensor noise_sigma(const at::Tensor& images);          // [N], 0-255 scale
// The noise sigma at mid-grey (0-255 scale), which is how the engine and rirf's severity scale
// define it (half of a sensor's noise grows with the signal): Immerkaer's estimate from the
// flattest half of the pixels whose 3x3 mean lies in 0.3-0.7, pooled over all of `images` (the
// tiles of one picture). -1 when fewer than kMinPixelsPerBand pixels lie in every band (a dark
// or a bright picture). It reads white noise; a camera's correlated noise reads far lower.
constexpr std::int64_t kMinPixelsPerBand = 256;
double midtone_noise_sigma(const at::Tensor& images);
at::Tensor gradient_energy_ratio(const at::Tensor& images);  // [N], 0-0.995 (0 for a flat image)
at::Tensor haze_density(const at::Tensor& images);         // [N], 0-0.95
// 99th percentile of the gradient magnitude after / before a Gaussian blur of extra_sigma px:
// [N], 0-1 (0 for a flat image).
at::Tensor edge_sharpness_ratio(const at::Tensor& images, double extra_sigma);
// The same ratio per gradient direction (0, 45, 90, 135 deg): [N, 2], the most and the least
// blurred direction.
at::Tensor directional_sharpness_ratio(const at::Tensor& images, double extra_sigma);
at::Tensor rain_coverage(const at::Tensor& images);  // [N], 0-0.5
at::Tensor tone_statistics(const at::Tensor& images);  // [N, 4]: black level, median, p97, saturation

// The evidence DiagNet reads, each scaled to about [0, 1]: JPEG severity / 100, JPEG positions
// found, log(1 + noise sigma) / 4, gradient energy ratio, haze density (at half size); then
// (DiagNet v4) the JPEG severity as a logit / 4 (so a linear head can copy it exactly), edge
// sharpness ratios for an extra blur of 1 px, and of 1 and 2 px at half size (less noise, and
// reach for heavy blur), 5 x rain coverage, and the four tone statistics (at half size); then
// (v5) the directional ratios (most and least blurred direction, extra 1 px at half size).
// [N, kEvidenceSize], float.
constexpr int kEvidenceSize = 16;
at::Tensor evidence_vector(const at::Tensor& images);

// Building blocks, exact and faster here than the libtorch ops they replace (tested against them):
// the k-th smallest value (1-based) of each row of [N, P], as kthvalue; and the minimum over the
// 15x15 patch around each pixel of [N, C, H, W], clipped to the image, as -max_pool2d(-x).
at::Tensor kth_smallest(const at::Tensor& rows, std::int64_t k);
at::Tensor patch_minimum(const at::Tensor& images);

}  // namespace rirf::evidence
