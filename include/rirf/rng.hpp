// Explicit, seeded randomness. Every random choice in rirf goes through an Rng passed by the
// caller, never global state, so the same seed gives the same bytes on every machine
// (the generator and the conversions below are fully specified, unlike <random>'s distributions).
#pragma once

#include <cmath>
#include <cstdint>

namespace rirf {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}

  // splitmix64: a full-period 64-bit generator with well-mixed output.
  std::uint64_t next_u64() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [lo, hi].
  std::int64_t integer(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(uniform() * static_cast<double>(hi - lo + 1));
  }
  bool bernoulli(double p) { return uniform() < p; }
  // Standard normal by Box-Muller (one value per call; simple and reproducible).
  double normal() {
    const double u1 = 1.0 - uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // The whole state: Rng(rng.state()) continues the same sequence (for resumable training).
  std::uint64_t state() const { return state_; }
  // A fresh seed for a child stream, so sub-tasks do not share sequences.
  std::uint64_t fork() { return next_u64(); }

 private:
  std::uint64_t state_;
};

// Mixes a seed with an index into an independent seed (for per-image or per-step streams).
inline std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t index) {
  Rng rng(seed ^ (index * 0xD1B54A32D192ED03ULL + 0x8CB92BA72F3D8DD7ULL));
  rng.next_u64();
  return rng.next_u64();
}

}  // namespace rirf
