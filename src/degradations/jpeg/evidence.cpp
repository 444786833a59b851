// JPEG evidence: quantisation traces in the DCT coefficients of the 8x8 luma blocks; the largest
// periodic step against the IJG table gives the quality.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/filters.hpp"
#include "degradations/evidence.hpp"
#include "reason/evidence/shared.hpp"
#include "rirf/error.hpp"

namespace rirf::evidence {
namespace {

// IJG luminance quantisation table, row-major (JPEG Annex K).
const int kLumaTable[64] = {16, 11, 10, 16, 24,  40,  51,  61,  12, 12, 14, 19, 26,  58,  60,  55,
                            14, 13, 16, 24, 40,  57,  69,  56,  14, 17, 22, 29, 51,  87,  80,  62,
                            18, 22, 37, 56, 68,  109, 103, 77,  24, 35, 55, 64, 81,  104, 113, 92,
                            49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99};

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

}  // namespace

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

}  // namespace rirf::evidence

namespace rirf::degradations {

ClassicalReading classical_reading(std::in_place_type_t<JpegFactors>, const ClassicalView& view) {
  return {evidence::jpeg_trace(view.crop).quality[0].item<double>(), 90.0, 5.0, true};
}

}  // namespace rirf::degradations
