// Noise evidence: Immerkaer's fast noise variance on the flattest half of the pixels, per channel,
// and the sigma at mid-grey from the mid-tone bands (the factor the severity scale reads).
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <utility>
#include <vector>

#include "core/filters.hpp"
#include "degradations/evidence.hpp"
#include "reason/evidence/shared.hpp"
#include "rirf/error.hpp"

namespace rirf::evidence {
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

}  // namespace rirf::evidence

namespace rirf::degradations {

ClassicalReading classical_reading(std::in_place_type_t<NoiseFactors>, const ClassicalView& view) {
  return {evidence::noise_sigma(view.crop)[0].item<double>(), 4.0, 1.5};
}

}  // namespace rirf::degradations
