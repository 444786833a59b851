// The benchmarks' one timer: one warm-up run (allocator, FFT plans, libvips start), then the
// median wall time of `repeats` runs, in seconds.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <vector>

namespace rirf::bench {

inline double median_seconds(int repeats, const std::function<void()>& work) {
  work();
  std::vector<double> times;
  for (int i = 0; i < repeats; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    work();
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace rirf::bench
