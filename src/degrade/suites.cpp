// The named suites behind `rirf synth --suite` and the benchmarks.
// denoise-N follows the Gaussian protocol of docs/DESIGN: N(0, N/255) added to the 8-bit image
// with a fixed seed, clipped; the 8-bit quantisation happens when the PNG is written.
#include "rirf/suites.hpp"

#include <functional>

#include "rirf/error.hpp"

namespace rirf {
namespace {

struct Suite {
  SuiteInfo info;
  std::function<DegradationPlan(Rng&)> make;
};

DegradationPlan gaussian_noise(double sigma, Rng& rng) {
  DegradationStep step;
  step.type = DegradationType::noise;
  step.seed = rng.fork();
  NoiseFactors f;
  f.sigma = sigma;
  step.factors = f;
  return DegradationPlan{{step}};
}

DegradationPlan single(DegradationType type, double lo, double hi, Rng& rng) {
  SampleOptions options;
  options.types = {type};
  options.min_count = options.max_count = 1;
  options.min_severity = lo;
  options.max_severity = hi;
  return sample_plan(options, rng);
}

const std::vector<Suite>& suites() {
  static const std::vector<Suite> table = {
      {{"denoise-15", "Gaussian noise sigma 15 (0-255), clipped, 8-bit"}, [](Rng& r) { return gaussian_noise(15, r); }},
      {{"denoise-25", "Gaussian noise sigma 25 (0-255), clipped, 8-bit"}, [](Rng& r) { return gaussian_noise(25, r); }},
      {{"denoise-50", "Gaussian noise sigma 50 (0-255), clipped, 8-bit"}, [](Rng& r) { return gaussian_noise(50, r); }},
      {{"derain", "rain, severity 30-80"}, [](Rng& r) { return single(DegradationType::rain, 30, 80, r); }},
      {{"dehaze", "haze, severity 30-80"}, [](Rng& r) { return single(DegradationType::haze, 30, 80, r); }},
      {{"deblur", "motion, defocus or Gaussian blur, severity 30-75"},
       [](Rng& r) { return single(DegradationType::blur, 30, 75, r); }},
      {{"lowlight", "low light with its noise, severity 30-80"},
       [](Rng& r) { return single(DegradationType::low_light, 30, 80, r); }},
      {{"jpeg", "JPEG, severity 30-80 (quality about 15-70)"},
       [](Rng& r) { return single(DegradationType::jpeg, 30, 80, r); }},
      {{"mixed", "2-3 degradations of any type, severity 20-70 each, physical order"},
       [](Rng& r) {
         SampleOptions options;
         options.min_count = 2;
         options.max_count = 3;
         options.min_severity = 20;
         options.max_severity = 70;
         return sample_plan(options, r);
       }},
  };
  return table;
}

// FNV-1a: a stable per-suite base seed from the name.
std::uint64_t name_seed(const std::string& name) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : name) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

}  // namespace

const std::vector<SuiteInfo>& synth_suites() {
  static const std::vector<SuiteInfo> infos = [] {
    std::vector<SuiteInfo> out;
    for (const auto& s : suites()) out.push_back(s.info);
    return out;
  }();
  return infos;
}

DegradationPlan suite_plan(const std::string& suite, std::uint64_t image_index) {
  std::string valid;
  for (const auto& s : suites()) {
    if (s.info.name == suite) {
      Rng rng(derive_seed(name_seed(suite), image_index));
      return s.make(rng);
    }
    valid += (valid.empty() ? "" : ", ") + s.info.name;
  }
  throw Error("unknown suite '" + suite + "' (valid: " + valid + ")");
}

}  // namespace rirf
