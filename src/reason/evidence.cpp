#include "reason/evidence.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include <ATen/Parallel.h>

#include "core/filters.hpp"
#include "rirf/degradation.hpp"
#include "rirf/error.hpp"

namespace rirf::evidence {
namespace {

constexpr double kPi = 3.14159265358979323846;

// IJG luminance quantisation table, row-major (JPEG Annex K).
const int kLumaTable[64] = {16, 11, 10, 16, 24,  40,  51,  61,  12, 12, 14, 19, 26,  58,  60,  55,
                            14, 13, 16, 24, 40,  57,  69,  56,  14, 17, 22, 29, 51,  87,  80,  62,
                            18, 22, 37, 56, 68,  109, 103, 77,  24, 35, 55, 64, 81,  104, 113, 92,
                            49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99};

// A float's bits as an unsigned integer in the same order as the floats.
std::uint32_t order_key(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

// The radix selects' buckets: the keys' 12 high bits (sign, exponent, 3 mantissa bits). A
// histogram of 4096 counts stays in the L1 cache; one of 65536 took longer to clear and fill
// than the wider bucket that holds the k-th value takes to search.
constexpr int kBucketBits = 12;
constexpr std::uint32_t kBuckets = 1u << kBucketBits;
std::uint32_t bucket_of(float f) { return order_key(f) >> (32 - kBucketBits); }

// The radix select's steps after the histogram of bucket_of counts, shared by kth_smallest and
// midtone_noise_sigma: the bucket that holds the k-th smallest value (1-based) and the value's
// rank within it; then, from that bucket's values, the value itself (the values are reordered).
struct BucketRank {
  std::uint32_t bucket;
  std::int64_t rank;
};
BucketRank bucket_holding(const std::uint32_t* histogram, std::int64_t k) {
  std::int64_t below = 0;
  std::uint32_t b = 0;
  while (below + histogram[b] < k) below += histogram[b++];
  return {b, k - below};
}
float select_in_bucket(std::vector<float>& values, std::int64_t rank) {
  const auto kth = values.begin() + (rank - 1);
  std::nth_element(values.begin(), kth, values.end());
  return *kth;
}

// cos(2 pi t) for |t| <= 0.5: its Taylor series to the 18th power of 2 pi t (within 4.2e-7 of the
// library cosine, measured at 1e-5 steps), in plain multiply-adds that vectorise.
inline float cos_of_turns(float t) {
  const float y = static_cast<float>(4.0 * kPi * kPi) * t * t;  // (2 pi t)^2
  constexpr float kInverseFactorials[] = {1.5619206968586225e-16f, 4.779477332387385e-14f, 1.1470745597729725e-11f,
                                          2.08767569878681e-09f,   2.755731922398589e-07f, 2.48015873015873e-05f,
                                          1.3888888888888889e-03f, 4.1666666666666664e-02f, 0.5f};  // 1/18! .. 1/2!
  float sum = kInverseFactorials[0];
  for (int i = 1; i < 9; ++i) sum = kInverseFactorials[i] - y * sum;
  return 1.0f - y * sum;
}

// The candidate JPEG quantiser steps: 2 to 120; a step is judged on at least 30 coefficients.
constexpr std::int64_t kFirstStep = 2, kSteps = 119, kMinCoefficients = 30;

at::Tensor dct_matrix() {
  at::Tensor dct = at::empty({8, 8}, at::kDouble);
  auto a = dct.accessor<double, 2>();
  for (int k = 0; k < 8; ++k)
    for (int n = 0; n < 8; ++n)
      a[k][n] = (k == 0 ? std::sqrt(1.0 / 8) : std::sqrt(2.0 / 8)) * std::cos(kPi * (2 * n + 1) * k / 16.0);
  return dct;
}

// The q-th percentile of each row of [N, P], as kthvalue (lower interpolation).
at::Tensor percentile(const at::Tensor& rows, double q) {
  const std::int64_t k = std::clamp<std::int64_t>(static_cast<std::int64_t>(rows.size(1) * q / 100.0), 1, rows.size(1));
  return kth_smallest(rows, k);
}

// The lower median of each row, as at::median.
at::Tensor lower_median(const at::Tensor& rows) { return kth_smallest(rows, (rows.size(1) + 1) / 2); }

// strongest(blurred luma) / strongest(luma), 0 where the image is flat; strongest maps
// [N, 1, H, W] luma to its edge strength(s).
template <typename Strongest>
at::Tensor sharpness_ratio(const at::Tensor& y, const at::Tensor& blurred, const Strongest& strongest) {
  const at::Tensor g0 = strongest(y);
  const at::Tensor r = (strongest(blurred) / g0.clamp_min(1e-6)).clamp(0.0, 1.0);
  return at::where(g0 > 1e-6, r, at::zeros_like(r));
}

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
FlatnessMaps flatness_maps(const at::Tensor& x, bool with_mean, std::int64_t row_step = 1, float white = 255.0f) {
  const at::Tensor in = x.to(at::kFloat).contiguous();
  const std::int64_t h = in.size(2), w = in.size(3), planes = in.size(0) * in.size(1),
                     oh = (h - 2 + row_step - 1) / row_step, ow = w - 2;
  const auto options = in.options();
  FlatnessMaps maps{at::empty({in.size(0), in.size(1), oh, ow}, options),
                    at::empty({in.size(0), in.size(1), oh, ow}, options),
                    with_mean ? at::empty({in.size(0), in.size(1), oh, ow}, options) : at::Tensor()};
  const float* src = in.data_ptr<float>();
  float *response = maps.response.data_ptr<float>(), *gradient = maps.gradient.data_ptr<float>();
  float* mean = with_mean ? maps.mean.data_ptr<float>() : nullptr;
  at::parallel_for(0, planes * oh, 16, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t row = begin; row < end; ++row) {
      const std::int64_t plane = row / oh, i = row % oh * row_step;
      const float* r0 = src + (plane * h + i) * w;
      const float *r1 = r0 + w, *r2 = r1 + w;
      float *m = response + row * ow, *g = gradient + row * ow;
      for (std::int64_t j = 0; j < ow; ++j) {
        const float a0 = r0[j] + -2.0f * r0[j + 1] + r0[j + 2], a1 = r1[j] + -2.0f * r1[j + 1] + r1[j + 2],
                    a2 = r2[j] + -2.0f * r2[j + 1] + r2[j + 2];
        m[j] = std::abs(a0 + -2.0f * a1 + a2);
        const float gx = (r0[j + 2] - r0[j]) + 2.0f * (r1[j + 2] - r1[j]) + (r2[j + 2] - r2[j]);
        const float gy = (r2[j] - r0[j]) + 2.0f * (r2[j + 1] - r0[j + 1]) + (r2[j + 2] - r0[j + 2]);
        g[j] = std::abs(gx) + std::abs(gy);
      }
      if (mean) {
        float* mu = mean + row * ow;
        for (std::int64_t j = 0; j < ow; ++j)
          mu[j] = ((r0[j] + r0[j + 1] + r0[j + 2]) + (r1[j] + r1[j + 1] + r1[j + 2]) + (r2[j] + r2[j + 1] + r2[j + 2])) *
                  static_cast<float>(1.0 / (9.0 * white));
      }
    }
  });
  return maps;
}

}  // namespace

// The minimum over a 15x15 patch clipped to the image, as two 1-D passes (a min filter is
// separable), in loops: max_pool2d took 8x as long here (2026-11-30: [9, 1, 128, 128],
// 5.8 -> 0.75 ms).
at::Tensor patch_minimum(const at::Tensor& t) {
  constexpr std::int64_t r = 7;
  const at::Tensor in = t.to(at::kFloat).contiguous();
  const std::int64_t h = in.size(2), w = in.size(3), planes = in.size(0) * in.size(1);
  at::Tensor down = at::empty_like(in), out = at::empty_like(in);
  const float* src = in.data_ptr<float>();
  float *mid = down.data_ptr<float>(), *dst = out.data_ptr<float>();
  at::parallel_for(0, planes * h, 16, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t row = begin; row < end; ++row) {
      const std::int64_t plane = row / h, i = row % h;
      float* y = mid + row * w;
      std::copy(src + row * w, src + (row + 1) * w, y);
      for (std::int64_t k = std::max<std::int64_t>(0, i - r); k <= std::min(h - 1, i + r); ++k) {
        const float* x = src + (plane * h + k) * w;
        for (std::int64_t j = 0; j < w; ++j) y[j] = std::min(y[j], x[j]);
      }
    }
  });
  at::parallel_for(0, planes * h, 16, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t row = begin; row < end; ++row) {
      const float* x = mid + row * w;
      float* y = dst + row * w;
      for (std::int64_t j = 0; j < w; ++j) {
        float m = x[j];
        for (std::int64_t k = std::max<std::int64_t>(0, j - r); k <= std::min(w - 1, j + r); ++k) m = std::min(m, x[k]);
        y[j] = m;
      }
    }
  });
  return out;
}

// The k-th smallest value (1-based) of each row of [N, P] float: exactly kthvalue's value, by a
// radix select (a histogram of the keys' high bits, then nth_element within the one bucket that
// holds it). On the absolute horizontal differences of nine real 256 px tiles, 27 rows
// (2026-11-30, 2 threads): the median 11.4 -> 3.0 ms, the 99th percentile 6.8 -> 2.3 ms.
at::Tensor kth_smallest(const at::Tensor& rows, std::int64_t k) {
  const at::Tensor r = rows.to(at::kFloat).contiguous();
  const std::int64_t n = r.size(0), p = r.size(1);
  check(k >= 1 && k <= p, "kth_smallest: k must be in [1, " + std::to_string(p) + "], got " + std::to_string(k));
  at::Tensor out = at::empty({n}, r.options());
  const float* src = r.data_ptr<float>();
  float* dst = out.data_ptr<float>();
  at::parallel_for(0, n, 1, [&](std::int64_t begin, std::int64_t end) {
    std::vector<std::uint32_t> histogram(kBuckets);
    std::vector<float> bucket;
    for (std::int64_t i = begin; i < end; ++i) {
      const float* row = src + i * p;
      std::fill(histogram.begin(), histogram.end(), 0);
      for (std::int64_t j = 0; j < p; ++j) ++histogram[bucket_of(row[j])];
      const BucketRank where = bucket_holding(histogram.data(), k);
      bucket.clear();
      for (std::int64_t j = 0; j < p; ++j)
        if (bucket_of(row[j]) == where.bucket) bucket.push_back(row[j]);
      dst[i] = select_in_bucket(bucket, where.rank);
    }
  });
  return out;
}

JpegTrace jpeg_trace(const at::Tensor& images) {
  const std::int64_t n = images.size(0), h = images.size(2) / 8 * 8, w = images.size(3) / 8 * 8;
  JpegTrace trace{at::full({n}, 100.0, at::kDouble), at::zeros({n}, at::kDouble)};
  if (h < 16 || w < 16) return trace;
  const at::Tensor y =
      (detail::luma(images.slice(2, 0, h).slice(3, 0, w)) * 255.0 - 128.0).to(at::kCPU, at::kFloat).contiguous();
  // Low frequencies carry most blocks' energy; several positions vote.
  constexpr int kPositions = 5;
  const int positions[kPositions][2] = {{0, 1}, {1, 0}, {1, 1}, {0, 2}, {2, 0}};
  at::Tensor table = at::empty({kPositions}, at::kDouble);
  for (int i = 0; i < kPositions; ++i) table[i] = kLumaTable[positions[i][0] * 8 + positions[i][1]];
  // The five coefficients of each 8x8 block at JPEG's FDCT scale, computed alone (a loop: the
  // full transform as batched matmuls took 5 of the 16 ms this measure costs on nine tiles).
  const at::Tensor dct = dct_matrix();
  const auto d = dct.accessor<double, 2>();
  const std::int64_t rows = h / 8, cols = w / 8, blocks = rows * cols;
  at::Tensor coefficients = at::empty({n, kPositions, blocks}, at::kFloat);
  const float* py = y.data_ptr<float>();
  float* pc = coefficients.data_ptr<float>();
  at::parallel_for(0, n * blocks, 64, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t index = begin; index < end; ++index) {
      const std::int64_t image = index / blocks, block = index % blocks;
      const float* origin = py + (image * h + block / cols * 8) * w + block % cols * 8;
      double along_row[8][3];  // sum_n d[l][n] y[m][n] for l = 0, 1, 2
      for (int m = 0; m < 8; ++m)
        for (int l = 0; l < 3; ++l) {
          double sum = 0;
          for (int k = 0; k < 8; ++k) sum += d[l][k] * origin[m * w + k];
          along_row[m][l] = sum;
        }
      for (int i = 0; i < kPositions; ++i) {
        double sum = 0;
        for (int m = 0; m < 8; ++m) sum += d[positions[i][0]][m] * along_row[m][positions[i][1]];
        pc[(image * kPositions + i) * blocks + block] = static_cast<float>(sum);
      }
    }
  });
  // For each candidate quantiser step: how many coefficients can show it (at least half a step
  // from zero; near zero, every large step "fits"), and how close to its multiples they lie (the
  // mean of cos(2 pi c / step), 1 on the multiples). Each row of coefficients is sorted by size
  // first, so a step reads only the prefix of those large enough to show it, and a step with
  // fewer than 30 (which cannot be judged) reads none; the cosine is a polynomial of the distance
  // to the nearest multiple. With the [N, 5, B, Q] tensors of the broadcast version this
  // replaced, the whole measure took 11.6 ms on the nine tiles of a 1 MP image; now 6.3-7.8
  // (docs/notebook/reasoner.md, "An overview for haze").
  const std::int64_t lists = n * kPositions;  // one list of coefficients per image and position
  std::vector<float> by_size(static_cast<std::size_t>(lists * blocks));
  at::parallel_for(0, lists, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t r = begin; r < end; ++r) {
      float* row = by_size.data() + r * blocks;
      std::copy(pc + r * blocks, pc + (r + 1) * blocks, row);
      std::sort(row, row + blocks, [](float a, float b) { return std::abs(a) > std::abs(b); });
    }
  });
  const at::Tensor steps = at::arange(kFirstStep, kFirstStep + kSteps, at::kFloat);  // candidate steps
  at::Tensor count = at::empty({n, kPositions, kSteps}, at::kFloat);
  at::Tensor score = at::zeros({n, kPositions, kSteps}, at::kFloat);
  float *pcount = count.data_ptr<float>(), *pscore = score.data_ptr<float>();
  at::parallel_for(0, lists * kSteps, 16, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t index = begin; index < end; ++index) {
      const float* row = by_size.data() + index / kSteps * blocks;
      const float step = static_cast<float>(kFirstStep + index % kSteps), half = 0.5f * step, inverse = 1.0f / step;
      const std::int64_t used = std::partition_point(row, row + blocks, [&](float v) { return std::abs(v) > half; }) - row;
      pcount[index] = static_cast<float>(used);
      if (used < kMinCoefficients) continue;
      float sum = 0.0f;
      for (std::int64_t b = 0; b < used; ++b) {
        const float turns = row[b] * inverse;
        sum += cos_of_turns(turns - static_cast<float>(static_cast<std::int32_t>(turns + (turns >= 0.0f ? 0.5f : -0.5f))));
      }
      pscore[index] = sum / static_cast<float>(used);
    }
  });
  // With fewer than 30 coefficients a step, and every larger one, cannot be judged.
  const at::Tensor fits = (count >= kMinCoefficients) & (score > 0.6);
  // The largest step the coefficients are multiples of, 1 where none is.
  const at::Tensor best = std::get<0>(at::where(fits, steps, at::ones_like(steps)).max(2)).to(at::kDouble);  // [N, 5]
  const at::Tensor scale = 100.0 * best / table;  // IJG: step = table * scale / 100
  at::Tensor quality = at::where(scale <= 100.0, (200.0 - scale) / 2.0, 5000.0 / scale).clamp(1.0, 100.0);
  quality = at::where(best <= 1.0, at::full_like(quality, 100.0), quality);
  trace.quality = std::get<0>(quality.sort(1)).select(1, 2);  // the median of five
  trace.found = (best > 1.0).to(at::kDouble).mean(1);
  return trace;
}

at::Tensor noise_sigma(const at::Tensor& images) {
  const std::int64_t n = images.size(0), h = images.size(2), w = images.size(3);
  if (h < 8 || w < 8) return at::zeros({n}, at::kDouble);
  const FlatnessMaps maps = flatness_maps(images.to(at::kCPU, at::kFloat) * 255.0, false);
  const at::Tensor m = maps.response.flatten(2).flatten(0, 1);
  const at::Tensor g = maps.gradient.flatten(2).flatten(0, 1);  // [N * 3, P]
  const at::Tensor median = lower_median(g).unsqueeze(1);
  const at::Tensor flat = (g <= median).to(at::kFloat);
  const at::Tensor sigma = std::sqrt(kPi / 2.0) / 6.0 * (m * flat).sum(1) / flat.sum(1).clamp_min(1.0);
  return sigma.view({n, 3}).mean(1).to(at::kDouble);
}

namespace {

// Counts and response sums of flatness-map pixels by gradient bucket (bucket_of), for groups of
// pixels (brightness bands): the responses of the pixels below the bucket that holds a group's
// median need no second pass, only the pixels in that bucket do.
struct GradientHistogram {
  std::vector<std::uint32_t> count;
  std::vector<double> response;
  explicit GradientHistogram(std::int64_t groups) : count(groups * kBuckets, 0), response(groups * kBuckets, 0.0) {}
  void add(std::int64_t group, float g, float m) {
    const std::size_t k = group * kBuckets + bucket_of(g);
    ++count[k];
    response[k] += m;
  }
  void merge(const GradientHistogram& other) {
    for (std::size_t k = 0; k < count.size(); ++k) count[k] += other.count[k], response[k] += other.response[k];
  }
  std::int64_t size(std::int64_t group) const {
    return std::accumulate(count.begin() + group * kBuckets, count.begin() + (group + 1) * kBuckets, std::int64_t{0});
  }
};

// A group's mean response over its pixels whose gradient is at or below its k-th smallest, from
// the histogram and the (gradient, response) pairs of the pixels in the bucket that holds it.
double mean_flat_response(const GradientHistogram& histogram, std::int64_t group, const BucketRank& median,
                          const std::vector<std::pair<float, float>>& in_bucket) {
  double sum = 0;
  std::int64_t count = 0;
  for (std::uint32_t k = 0; k < median.bucket; ++k)
    sum += histogram.response[group * kBuckets + k], count += histogram.count[group * kBuckets + k];
  std::vector<float> gradients(in_bucket.size());
  std::transform(in_bucket.begin(), in_bucket.end(), gradients.begin(), [](const auto& p) { return p.first; });
  const float cut = select_in_bucket(gradients, median.rank);
  for (const auto& [g, m] : in_bucket)
    if (g <= cut) sum += m, ++count;
  return sum / static_cast<double>(count);
}

}  // namespace

double midtone_noise_sigma(const at::Tensor& images) {
  if (images.size(2) < 8 || images.size(3) < 8) return -1.0;
  // Every other row: the same estimate from half the pixels (sigma MAE on the reasoner's held-out
  // set 1.95 -> 1.96, largest change 0.24), and the image read at its own [0, 1] scale, not a
  // copy at 255: 11.8 -> 7.0 ms on nine 256 px tiles (2026-12-01, bench_evidence, one run).
  constexpr std::int64_t kRowStep = 2;
  const FlatnessMaps maps = flatness_maps(images.to(at::kCPU, at::kFloat), true, kRowStep, 1.0f);
  // Brightness bands of 0.1 from 0.3 to 0.7: within a band the signal-dependent part of the
  // noise is nearly constant, and the flattest half of each band's pixels (by gradient) is
  // judged, so a band of texture does not drown a band of sky. Each band's lower median gradient
  // is found as in kth_smallest, from histograms of the pixels' buckets. The pixels are read in
  // chunks on all threads, twice: to count and sum by bucket, then to keep the pixels in the
  // bucket that holds each band's median (three passes on one thread before: 18.7 -> 13.4 ms on
  // nine 256 px tiles in one run, 2026-12-01; equal within 3e-16).
  constexpr int kFirstBand = 3, kBands = 4;
  const float *pm = maps.response.data_ptr<float>(), *pg = maps.gradient.data_ptr<float>(),
              *pmean = maps.mean.data_ptr<float>();
  const std::int64_t pixels = maps.response.numel();
  constexpr std::int64_t kChunks = 16;
  const auto first_of_chunk = [pixels](std::int64_t c) { return c * pixels / kChunks; };
  const auto band_at = [pmean](std::int64_t i) {
    const int band = static_cast<int>(pmean[i] * 10.0f) - kFirstBand;
    return band >= 0 && band < kBands ? band : -1;
  };
  std::vector<GradientHistogram> histograms(kChunks, GradientHistogram(kBands));
  at::parallel_for(0, kChunks, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t c = begin; c < end; ++c)
      for (std::int64_t i = first_of_chunk(c); i < first_of_chunk(c + 1); ++i)
        if (const int b = band_at(i); b >= 0) histograms[c].add(b, pg[i], pm[i]);
  });
  GradientHistogram& total = histograms[0];
  for (std::int64_t c = 1; c < kChunks; ++c) total.merge(histograms[c]);
  std::array<std::int64_t, kBands> sizes{};
  std::array<BucketRank, kBands> median{};  // bands with too few pixels are not judged (rank 0)
  for (int b = 0; b < kBands; ++b) {
    sizes[b] = total.size(b);
    if (sizes[b] >= kMinPixelsPerBand) median[b] = bucket_holding(total.count.data() + b * kBuckets, (sizes[b] + 1) / 2);
  }
  std::vector<std::array<std::vector<std::pair<float, float>>, kBands>> in_bucket(kChunks);
  at::parallel_for(0, kChunks, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t c = begin; c < end; ++c)
      for (std::int64_t i = first_of_chunk(c); i < first_of_chunk(c + 1); ++i)
        if (const int b = band_at(i); b >= 0 && median[b].rank > 0 && bucket_of(pg[i]) == median[b].bucket)
          in_bucket[c][b].emplace_back(pg[i], pm[i]);
  });
  double variance_sum = 0, count = 0;
  for (int b = 0; b < kBands; ++b) {
    if (median[b].rank == 0) continue;
    std::vector<std::pair<float, float>> band_bucket;
    for (const auto& chunk : in_bucket) band_bucket.insert(band_bucket.end(), chunk[b].begin(), chunk[b].end());
    // The mean response of the band's pixels at or below its median gradient.
    const double sigma = 255.0 * std::sqrt(kPi / 2.0) / 6.0 * mean_flat_response(total, b, median[b], band_bucket);
    variance_sum += sigma * sigma * static_cast<double>(sizes[b]);
    count += static_cast<double>(sizes[b]);
  }
  return count > 0 ? std::sqrt(variance_sum / count) : -1.0;
}

namespace {

// The measures that read luma, from the luma y [N, 1, H, W] and its blur: the public functions
// below make them, and evidence_vector makes each luma and blur once for all that read it.
at::Tensor energy_ratio(const at::Tensor& y, const at::Tensor& blurred_1px) {
  const auto energy = [](const at::Tensor& t) {
    const at::Tensor dx = t.slice(3, 1) - t.slice(3, 0, -1), dy = t.slice(2, 1) - t.slice(2, 0, -1);
    return (dx.pow(2).mean({1, 2, 3}) + dy.pow(2).mean({1, 2, 3})).to(at::kDouble);
  };
  const at::Tensor e0 = energy(y);
  const at::Tensor r = (energy(blurred_1px) / e0.clamp_min(1e-12)).clamp(0.0, 0.995);
  return at::where(e0 > 1e-12, r, at::zeros_like(r));
}

at::Tensor edge_ratio(const at::Tensor& y, const at::Tensor& blurred) {
  if (y.size(2) < 3 || y.size(3) < 3) return at::zeros({y.size(0)}, at::kDouble);
  return sharpness_ratio(y, blurred, [](const at::Tensor& t) {
    const at::Tensor dx = t.slice(3, 1) - t.slice(3, 0, -1), dy = t.slice(2, 1) - t.slice(2, 0, -1);
    const at::Tensor magnitude = (dx.slice(2, 0, -1).pow(2) + dy.slice(3, 0, -1).pow(2)).sqrt();
    return percentile(magnitude.flatten(1), 99.0).to(at::kDouble);
  });
}

at::Tensor directional_ratio(const at::Tensor& y, const at::Tensor& blurred) {
  const std::int64_t n = y.size(0);
  if (y.size(2) < 3 || y.size(3) < 3) return at::zeros({n, 2}, at::kDouble);
  // 99th percentile of |derivative| along 0, 45, 90 and 135 degrees: [N, 4].
  const at::Tensor r = sharpness_ratio(y, blurred, [n](const at::Tensor& t) {
    const at::Tensor dx = (t.slice(3, 1) - t.slice(3, 0, -1)).slice(2, 0, -1);
    const at::Tensor dy = (t.slice(2, 1) - t.slice(2, 0, -1)).slice(3, 0, -1);
    const at::Tensor directions = at::stack({dx, (dx + dy) * M_SQRT1_2, dy, (dx - dy) * M_SQRT1_2}, 1).abs();
    return percentile(directions.reshape({n * 4, -1}), 99.0).view({n, 4}).to(at::kDouble);
  });
  return at::stack({std::get<0>(r.max(1)), std::get<0>(r.min(1))}, 1);
}

at::Tensor rain_from_luma(const at::Tensor& y) {
  const std::int64_t n = y.size(0), h = y.size(2), w = y.size(3);
  if (h < 8 || w < 8) return at::zeros({n}, at::kDouble);
  const at::Tensor mask = ((y - detail::gaussian_blur(y, 2.0)) > 0.04).to(at::kFloat).squeeze(1);  // [N, H, W]
  const at::Tensor area = mask.mean({1, 2}).to(at::kDouble);
  // Continuation 3 px along a direction: P(mask at p + d | mask at p).
  const auto continuation = [&](int dy, int dx) {
    const at::Tensor a = mask.slice(1, 0, h - dy).slice(2, std::max(0, -dx), w - std::max(0, dx));
    const at::Tensor b = mask.slice(1, dy, h).slice(2, std::max(0, dx), w - std::max(0, -dx));
    return (a * b).sum({1, 2}).to(at::kDouble) / a.sum({1, 2}).to(at::kDouble).clamp_min(1.0);
  };
  at::Tensor along = continuation(3, -1);  // within ~20 deg of vertical
  for (int dx = 0; dx <= 1; ++dx) along = at::maximum(along, continuation(3, dx));
  const at::Tensor across = continuation(0, 3);
  const at::Tensor oriented = (along - across).clamp_min(0.0) / along.clamp_min(1e-6);
  const at::Tensor coverage = (area * oriented).clamp(0.0, 0.5);
  return at::where(area >= 1e-4, coverage, at::zeros_like(coverage));
}

at::Tensor tone_from(const at::Tensor& x, const at::Tensor& y) {
  const at::Tensor darkest = std::get<0>(x.min(1)).flatten(1), brightest = std::get<0>(x.max(1)).flatten(1);
  const at::Tensor saturation = ((brightest - darkest) / brightest.clamp_min(1e-3)).mean(1);
  const at::Tensor luma = y.flatten(1);
  return at::stack({percentile(darkest, 2.0), percentile(luma, 50.0), percentile(luma, 97.0), saturation}, 1)
      .to(at::kDouble);
}

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

at::Tensor luma_of(const at::Tensor& images) { return detail::luma(images.to(at::kCPU, at::kFloat)); }

}  // namespace

at::Tensor gradient_energy_ratio(const at::Tensor& images) {
  const at::Tensor y = luma_of(images);
  return energy_ratio(y, detail::gaussian_blur(y, 1.0));
}

at::Tensor haze_density(const at::Tensor& images) {
  const at::Tensor x = images.to(at::kCPU, at::kFloat).contiguous();
  const std::int64_t n = x.size(0);
  const at::Tensor dark = patch_minimum(std::get<0>(x.min(1, true))).flatten(1);  // [N, P]
  const std::int64_t top = std::max<std::int64_t>(1, dark.size(1) / 1000);
  const at::Tensor brightest = std::get<1>(dark.topk(top, 1));  // [N, top]
  const at::Tensor airlight =
      x.flatten(2).gather(2, brightest.unsqueeze(1).expand({n, 3, top})).mean(2).view({n, 3, 1, 1}).clamp_min(0.05);
  const at::Tensor normalised_dark = patch_minimum(std::get<0>((x / airlight).min(1, true)));
  const at::Tensor t = (1.0 - 0.95 * normalised_dark).clamp(0.05, 1.0).flatten(1);
  return (1.0 - lower_median(t)).clamp(0.0, 0.95).to(at::kDouble);
}

at::Tensor edge_sharpness_ratio(const at::Tensor& images, double extra_sigma) {
  const at::Tensor y = luma_of(images);
  return edge_ratio(y, detail::gaussian_blur(y, extra_sigma));
}

at::Tensor directional_sharpness_ratio(const at::Tensor& images, double extra_sigma) {
  const at::Tensor y = luma_of(images);
  return directional_ratio(y, detail::gaussian_blur(y, extra_sigma));
}

at::Tensor rain_coverage(const at::Tensor& images) { return rain_from_luma(luma_of(images)); }

at::Tensor tone_statistics(const at::Tensor& images) {
  const at::Tensor x = images.to(at::kCPU, at::kFloat);
  return tone_from(x, detail::luma(x));
}

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
