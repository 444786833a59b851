// Internal to the reasoner's evidence (src/reason/evidence/ and each type's
// src/degradations/<name>/evidence.cpp): the order statistics, flatness maps and luma measures
// that several types' evidence shares. evidence_vector makes each luma
// and each blur of it once and hands them to the measures that read it.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "reason/evidence.hpp"

namespace rirf::evidence {

constexpr double kPi = 3.14159265358979323846;

// ---- order statistics (statistics.cpp) -------------------------------------------------------

// A float's bits as an unsigned integer in the same order as the floats.
inline std::uint32_t order_key(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

// The radix selects' buckets: the keys' 12 high bits (sign, exponent, 3 mantissa bits). A
// histogram of 4096 counts stays in the L1 cache; one of 65536 took longer to clear and fill
// than the wider bucket that holds the k-th value takes to search.
constexpr int kBucketBits = 12;
constexpr std::uint32_t kBuckets = 1u << kBucketBits;
inline std::uint32_t bucket_of(float f) { return order_key(f) >> (32 - kBucketBits); }

// The radix select's steps after the histogram of bucket_of counts, shared by kth_smallest and
// midtone_noise_sigma: the bucket that holds the k-th smallest value (1-based) and the value's
// rank within it; then, from that bucket's values, the value itself (the values are reordered).
struct BucketRank {
  std::uint32_t bucket;
  std::int64_t rank;
};
BucketRank bucket_holding(const std::uint32_t* histogram, std::int64_t k);
float select_in_bucket(std::vector<float>& values, std::int64_t rank);

// The q-th percentile of each row of [N, P], as kthvalue (lower interpolation).
at::Tensor percentile(const at::Tensor& rows, double q);
// The lower median of each row, as at::median.
at::Tensor lower_median(const at::Tensor& rows);

// Per pixel of x [N, C, H, W] (0-255 scale), valid region [N, C, H-2, W-2]: |Immerkaer's mask|
// ([1 -2 1] x [1 -2 1]), the Sobel gradient magnitude (L1), and (on request) the 3x3 mean in
// [0, 1] (x's white is `white`); with row_step k, of every k-th row of the valid region only
// ([N, C, ceil((H-2)/k), W-2]). One
// loop over the 3x3 neighbourhoods, with the same float operations in the same order as the
// shifted differences it replaced: equal bits. With the radix select, noise_sigma on nine 256 px
// tiles took 20.3 -> 6.5 ms (2026-11-30, 2 threads).
struct FlatnessMaps {
  at::Tensor response, gradient, mean;
};
FlatnessMaps flatness_maps(const at::Tensor& x, bool with_mean, std::int64_t row_step = 1, float white = 255.0f);

// The luma of images on the CPU, as float: [N, 1, H, W].
at::Tensor luma_of(const at::Tensor& images);

// strongest(blurred luma) / strongest(luma), 0 where the image is flat; strongest maps
// [N, 1, H, W] luma to its edge strength(s).
template <typename Strongest>
at::Tensor sharpness_ratio(const at::Tensor& y, const at::Tensor& blurred, const Strongest& strongest) {
  const at::Tensor g0 = strongest(y);
  const at::Tensor r = (strongest(blurred) / g0.clamp_min(1e-6)).clamp(0.0, 1.0);
  return at::where(g0 > 1e-6, r, at::zeros_like(r));
}

// ---- the measures that read luma y [N, 1, H, W] and a blur of it --------------------------------

// Gradient energy kept by a 1 px blur: [N] (degradations/blur/evidence.cpp).
at::Tensor energy_ratio(const at::Tensor& y, const at::Tensor& blurred_1px);
// 99th percentile edge strength kept by the blur: [N] (degradations/blur/evidence.cpp).
at::Tensor edge_ratio(const at::Tensor& y, const at::Tensor& blurred);
// The same per direction, the most and the least blurred: [N, 2] (degradations/blur/evidence.cpp).
at::Tensor directional_ratio(const at::Tensor& y, const at::Tensor& blurred);
// Oriented streak coverage: [N] (degradations/rain/evidence.cpp).
at::Tensor rain_from_luma(const at::Tensor& y);
// Black level, luma median and 97th percentile, saturation of x with luma y: [N, 4] (tone.cpp).
at::Tensor tone_from(const at::Tensor& x, const at::Tensor& y);

}  // namespace rirf::evidence
