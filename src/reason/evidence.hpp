// Measured evidence: established hand-made estimators, batched over [N, 3, H, W] images in
// [0, 1]. The classical backend turns them into its findings; DiagNet's heads read them next to
// the learned statistics, because a small CNN approximates some of them poorly (a JPEG quantiser
// step is a periodicity of DCT coefficients, not a local pattern).
//   jpeg    quantisation traces: the DCT coefficients of the 8x8 luma blocks cluster at multiples
//           of the quantiser step; the largest periodic step, against the IJG table, gives the
//           quality (median over five low-frequency positions). Needs the origin on the 8x8 grid.
//   noise   Immerkaer (1996) fast noise variance, restricted to the flattest 50% of pixels (edge
//           exclusion in the spirit of Tai & Yang 2008), per channel, on the 0-255 scale
//   blur    the L2 gradient energy kept after a known extra Gaussian blur of sigma 1 px: for an
//           edge blurred by sigma_b, E(blurred) / E = sigma_b / sqrt(sigma_b^2 + 1)
//   haze    dark channel prior (He et al. 2009): median of 1 - 0.95 dark(I / A)
#pragma once

#include <ATen/ATen.h>

namespace rirf::evidence {

struct JpegTrace {
  at::Tensor quality;  // [N] libjpeg quality 1-100; 100 where no quantiser step shows
  at::Tensor found;    // [N] share of the five DCT positions that show a step, 0-1
};
JpegTrace jpeg_trace(const at::Tensor& images);
at::Tensor noise_sigma(const at::Tensor& images);          // [N], 0-255 scale
at::Tensor gradient_energy_ratio(const at::Tensor& images);  // [N], 0-0.995 (0 for a flat image)
at::Tensor haze_density(const at::Tensor& images);         // [N], 0-0.95

// The evidence DiagNet reads, each scaled to about [0, 1]: JPEG severity / 100, JPEG positions
// found, log(1 + noise sigma) / 4, gradient energy ratio, haze density (at half size).
// [N, kEvidenceSize], float.
constexpr int kEvidenceSize = 5;
at::Tensor evidence_vector(const at::Tensor& images);

}  // namespace rirf::evidence
