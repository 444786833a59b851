// Cost of each measured-evidence estimator (src/reason/evidence.hpp), on the two shapes that
// matter: a training batch (24 x 128²) and diagnosis (nine 256² tiles). Median of 9 runs, ms.
//   bench_evidence
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cstdio>
#include <thread>

#include "reason/evidence.hpp"
#include "timing.hpp"

int main() {
  namespace ev = rirf::evidence;
  const int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  at::set_num_threads(threads);
  at::manual_seed(0);
  const at::Tensor batch = at::rand({24, 3, 128, 128}), tiles = at::rand({9, 3, 256, 256});
  std::printf("machine: %d threads\n\n| estimator | 24 x 128² (ms) | 9 x 256² (ms) |\n|---|---:|---:|\n", threads);
  const auto row = [&](const char* name, auto f) {
    std::printf("| %s | %.1f | %.1f |\n", name, 1e3 * rirf::bench::median_seconds(9, [&] { f(batch); }),
                1e3 * rirf::bench::median_seconds(9, [&] { f(tiles); }));
  };
  row("jpeg_trace", [](const at::Tensor& x) { ev::jpeg_trace(x); });
  row("noise_sigma", [](const at::Tensor& x) { ev::noise_sigma(x); });
  row("midtone_noise_sigma (only where noise is found alone)", [](const at::Tensor& x) { ev::midtone_noise_sigma(x); });
  row("gradient_energy_ratio", [](const at::Tensor& x) { ev::gradient_energy_ratio(x); });
  row("haze_density (full size)", [](const at::Tensor& x) { ev::haze_density(x); });
  row("edge_sharpness_ratio (extra 1 px)", [](const at::Tensor& x) { ev::edge_sharpness_ratio(x, 1.0); });
  row("directional_sharpness_ratio (extra 1 px)", [](const at::Tensor& x) { ev::directional_sharpness_ratio(x, 1.0); });
  row("rain_coverage", [](const at::Tensor& x) { ev::rain_coverage(x); });
  row("tone_statistics", [](const at::Tensor& x) { ev::tone_statistics(x); });
  row("evidence_vector (all, haze at half size)", [](const at::Tensor& x) { ev::evidence_vector(x); });
  return 0;
}
