// Throughput of the degradation engine (MP/s per type) and of image file I/O, as markdown tables.
//   bench_degrade [--size 1024] [--repeats 5] [--threads N] [--io-only]
// --io-only skips the engine table (image I/O of a large photo in seconds, not minutes).
// Element-wise and FFT work, not convolutions of a network: no GFLOP/s column here.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/version.h>
#include <vips/version.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <thread>

#include "rirf/degrade.hpp"
#include "rirf/image_io.hpp"
#include "timing.hpp"

int main(int argc, char** argv) {
  std::int64_t size = 1024;
  int repeats = 5;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  bool io_only = false;
  for (int i = 1; i < argc; ++i) {
    const bool value = i + 1 < argc;
    if (!std::strcmp(argv[i], "--io-only")) io_only = true;
    if (value && !std::strcmp(argv[i], "--size")) size = std::atoll(argv[++i]);
    else if (value && !std::strcmp(argv[i], "--repeats")) repeats = std::atoi(argv[++i]);
    else if (value && !std::strcmp(argv[i], "--threads")) threads = std::atoi(argv[++i]);
  }
  at::set_num_threads(threads);
  std::printf("machine: %s, %d threads; libtorch %s, libvips %s\n\n", rirf::bench::cpu_model().c_str(), threads,
              TORCH_VERSION, VIPS_VERSION);

  // A photo-like test image: smooth structure plus texture (no file needed).
  at::manual_seed(0);
  const at::Tensor coarse = at::rand({1, 3, size / 32, size / 32});
  const at::Tensor image =
      (at::upsample_bilinear2d(coarse, {size, size}, false) * 0.8 + at::rand({1, 3, size, size}) * 0.2).contiguous();
  const at::Tensor batch = image.slice(2, 0, 128).slice(3, 0, 128).repeat({16, 1, 1, 1}).contiguous();
  const double mp = static_cast<double>(size * size) / 1e6;
  const double batch_mp = 16 * 128 * 128 / 1e6;

  if (!io_only) {
    std::printf("## Degradation throughput, severity 50 (median of %d)\n\n", repeats);
    std::printf("| type | %lldx%lld ms | %lldx%lld MP/s | 16x128x128 batch MP/s |\n|---|---:|---:|---:|\n",
                static_cast<long long>(size), static_cast<long long>(size), static_cast<long long>(size),
                static_cast<long long>(size));
    const auto row = [&](const std::string& name, const rirf::DegradationPlan& plan) {
      const double t = rirf::bench::median_seconds(repeats, [&] { rirf::apply(image, plan); });
      const double tb = rirf::bench::median_seconds(repeats, [&] { rirf::apply(batch, plan); });
      std::printf("| %s | %.1f | %.1f | %.1f |\n", name.c_str(), t * 1e3, mp / t, batch_mp / tb);
    };
    for (auto type : rirf::all_degradation_types()) {
      rirf::Rng rng(1);
      if (type == rirf::DegradationType::blur) {
        for (auto kind : {rirf::BlurKind::gaussian, rirf::BlurKind::defocus, rirf::BlurKind::motion}) {
          rirf::DegradationStep step = rirf::make_step(type, 50, rng);
          auto f = std::get<rirf::BlurFactors>(step.factors);
          f.kind = kind;
          f.kernel.clear();
          f.kernel_size = 0;
          f.extent_px = rirf::factor_from_severity(type, 50);
          step.factors = f;
          rirf::DegradationPlan plan{{step}};
          plan = rirf::plan_from_json(rirf::plan_to_json(plan));  // regenerates the kernel for the kind
          row(std::string("blur (") + rirf::blur_kind_name(kind) + ")", plan);
        }
        continue;
      }
      row(rirf::type_name(type), rirf::DegradationPlan{{rirf::make_step(type, 50, rng)}});
    }
    rirf::Rng rng(7);
    rirf::SampleOptions three;
    three.min_count = three.max_count = 3;
    const auto mixed = rirf::sample_plan(three, rng);
    std::string names;
    for (const auto& s : mixed.steps) names += (names.empty() ? "" : "+") + std::string(rirf::type_name(s.type));
    row("mixed (" + names + ")", mixed);
  }

  std::printf("\n## Image I/O, %lldx%lld RGB 8-bit (median of %d)\n\n", static_cast<long long>(size),
              static_cast<long long>(size), repeats);
  std::printf("| format | file KiB | encode ms | decode ms | decode MP/s |\n|---|---:|---:|---:|---:|\n");
  const rirf::Image img = rirf::image_from_tensor(image);
  for (const char* format : {"png", "jpeg", "webp", "tiff"}) {
    std::vector<std::uint8_t> bytes;
    const double te = rirf::bench::median_seconds(repeats, [&] { bytes = rirf::encode_image(img, format); });
    const double td = rirf::bench::median_seconds(repeats, [&] { rirf::decode_image(bytes.data(), bytes.size()); });
    std::printf("| %s | %.0f | %.1f | %.1f | %.1f |\n", format, bytes.size() / 1024.0, te * 1e3, td * 1e3, mp / td);
  }
  return 0;
}
