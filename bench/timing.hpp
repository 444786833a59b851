// What every benchmark shares: the timer (one warm-up run for the allocator, FFT plans and
// libvips start, then the median wall time of `repeats` runs, in seconds) and the CPU's name.
#pragma once

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

namespace rirf::bench {

inline std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown CPU";
}

// The median wall time of each of `works`, run in turn `repeats` times after one warm-up each:
// this machine's speed drifts by up to 1.5x within minutes, and interleaved runs see the same
// drift, so their ratios hold where times taken one after the other do not.
inline std::vector<double> interleaved_median_seconds(int repeats, const std::vector<std::function<void()>>& works) {
  for (const auto& work : works) work();
  std::vector<std::vector<double>> times(works.size());
  for (int i = 0; i < repeats; ++i)
    for (std::size_t w = 0; w < works.size(); ++w) {
      const auto t0 = std::chrono::steady_clock::now();
      works[w]();
      times[w].push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
  std::vector<double> medians;
  for (auto& t : times) {
    std::sort(t.begin(), t.end());
    medians.push_back(t[t.size() / 2]);
  }
  return medians;
}

inline double median_seconds(int repeats, const std::function<void()>& work) {
  return interleaved_median_seconds(repeats, {work})[0];
}

}  // namespace rirf::bench
