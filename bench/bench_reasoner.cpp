// Diagnosis quality and speed of the reasoner backends on a fixed-seed held-out synthetic set.
//   bench_reasoner --val DIR [--val DIR ...] [--weights models/reasoner.safetensors] [--limit N]
//                  [--dump FILE.csv]  (per-sample, per-type truth and estimate, for error analysis)
// For every validation image: the clean image, one sample of each single type, and three
// composites (2-3 types), severities 10-90, 8-bit quantised like a real file. Prints markdown.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <torch/version.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "rirf/degrade.hpp"
#include "rirf/diagnet.hpp"
#include "rirf/image_io.hpp"
#include "rirf/reasoner.hpp"
#include "timing.hpp"
#include "train/quantise.hpp"

namespace {
using rirf::DegradationType;

struct Sample {
  at::Tensor image;
  rirf::DegradationPlan plan;
};

struct Scores {
  std::array<int, rirf::kNumDegradationTypes> tp{}, fp{}, fn{};
  std::array<double, rirf::kNumDegradationTypes> severity_error{};
  std::array<int, rirf::kNumDegradationTypes> severity_count{};
  double sigma_error = 0, quality_error = 0;
  int sigma_count = 0, quality_count = 0, clean_total = 0, clean_right = 0;
  double macro_f1() const {
    double sum = 0;
    for (int t = 0; t < rirf::kNumDegradationTypes; ++t) sum += f1(t);
    return sum / rirf::kNumDegradationTypes;
  }
  double f1(int t) const { return tp[t] == 0 ? 0.0 : 2.0 * tp[t] / (2.0 * tp[t] + fp[t] + fn[t]); }
};

double factor_of(const rirf::Finding& f) {
  const char* key = rirf::main_factor_name(f.type);
  return f.factors.contains(key) ? f.factors[key].get<double>() : 0.0;
}

// dump (optional): one CSV row per sample and type, for error analysis.
Scores evaluate(rirf::Reasoner& reasoner, const std::vector<Sample>& samples, std::FILE* dump) {
  Scores s;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const Sample& sample = samples[i];
    const rirf::Diagnosis d = reasoner.diagnose(sample.image);
    if (dump) {
      for (auto type : rirf::all_degradation_types()) {
        double truth_severity = 0, truth_factor = 0;
        for (const auto& st : sample.plan.steps)
          if (st.type == type) truth_severity = st.severity(), truth_factor = st.main_factor();
        const rirf::Finding& f = d.finding(type);
        std::fprintf(dump, "%s,%zu,%zu,%s,%.2f,%d,%.4f,%.2f,%.4g,%.4g\n", d.backend.c_str(), i,
                     sample.plan.steps.size(), rirf::type_name(type), truth_severity, f.present ? 1 : 0, f.confidence,
                     f.severity, truth_factor, factor_of(f));
      }
    }
    for (auto type : rirf::all_degradation_types()) {
      const int t = static_cast<int>(type);
      const bool truth = sample.plan.has(type);
      const rirf::Finding& f = d.finding(type);
      s.tp[t] += truth && f.present;
      s.fp[t] += !truth && f.present;
      s.fn[t] += truth && !f.present;
      if (!truth) continue;
      const auto& step = *std::find_if(sample.plan.steps.begin(), sample.plan.steps.end(),
                                       [&](const auto& st) { return st.type == type; });
      s.severity_error[t] += std::abs(f.severity - step.severity());
      s.severity_count[t] += 1;
      // Factor errors use the estimate whether or not the type was called present.
      if (type == DegradationType::noise && step.main_factor() >= 5 && step.main_factor() <= 50) {
        s.sigma_error += std::abs(factor_of(f) - step.main_factor());
        s.sigma_count += 1;
      }
      if (type == DegradationType::jpeg) {
        s.quality_error += std::abs(factor_of(f) - step.main_factor());
        s.quality_count += 1;
      }
    }
    if (sample.plan.steps.empty()) {
      s.clean_total += 1;
      s.clean_right += !d.any_present();
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> val_dirs;
  std::string weights, dump_path;
  std::size_t limit = 1000000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--val")) val_dirs.push_back(argv[i + 1]);
    if (!std::strcmp(argv[i], "--weights")) weights = argv[i + 1];
    if (!std::strcmp(argv[i], "--dump")) dump_path = argv[i + 1];
    if (!std::strcmp(argv[i], "--limit")) limit = std::strtoull(argv[i + 1], nullptr, 10);
  }
  if (val_dirs.empty()) {
    std::fprintf(stderr, "usage: bench_reasoner --val DIR [--val DIR] [--weights FILE] [--limit N] [--dump FILE.csv]\n");
    return 2;
  }
  const int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  at::set_num_threads(threads);
  try {
    std::vector<Sample> samples;
    std::uint64_t index = 0;
    std::vector<std::string> files;
    for (const auto& dir : val_dirs)
      for (const auto& f : rirf::list_image_files(dir)) files.push_back(f);
    if (files.size() > limit) files.resize(limit);
    at::Tensor big;
    for (const auto& file : files) {
      const at::Tensor clean = rirf::load_image(file).rgb;
      if (!big.defined()) big = at::upsample_bilinear2d(clean, {1024, 1024}, false, c10::nullopt, c10::nullopt);
      std::vector<rirf::DegradationPlan> plans(1);  // the clean sample
      for (auto type : rirf::all_degradation_types()) {
        rirf::Rng rng(rirf::derive_seed(0x5EED, index++));
        plans.push_back({{rirf::make_step(type, rng.uniform(10, 90), rng)}});
      }
      for (int k = 0; k < 3; ++k) {
        rirf::Rng rng(rirf::derive_seed(0x5EED, index++));
        rirf::SampleOptions composite;
        composite.min_count = 2;
        composite.max_count = 3;
        plans.push_back(rirf::sample_plan(composite, rng));
      }
      for (auto& plan : plans)
        samples.push_back({rirf::train::quantise(rirf::apply(clean, plan)), plan});
    }
    std::vector<std::pair<std::string, std::unique_ptr<rirf::Reasoner>>> backends;
    backends.emplace_back("classical", rirf::make_classical_reasoner());
    if (!weights.empty()) backends.emplace_back("diagnet", rirf::load_diagnet_reasoner(weights));

    std::printf("held-out set: %zu images from", files.size());
    for (const auto& d : val_dirs) std::printf(" %s", d.c_str());
    std::printf(", %zu samples (per image: clean, 6 single types, 3 composites; severity 10-90; seed 0x5EED)\n",
                samples.size());
    std::printf("machine: %d threads, libtorch %s\n\n", threads, TORCH_VERSION);
    std::vector<Scores> scores;
    // Speed on the clean 1 MP image, and on it with white noise of sigma 25: where noise alone is
    // found, DiagNet also measures the sigma in the mid-tones, the slowest path. Every backend and
    // image is timed in turn in one loop, so the machine's drift touches them alike.
    std::vector<double> speed, speed_noisy;
    const at::Tensor big_noisy = (big + at::randn(big.sizes(), at::Generator(at::detail::createCPUGenerator(25))) * (25.0 / 255.0))
                                     .clamp(0.0, 1.0);
    std::FILE* dump = dump_path.empty() ? nullptr : std::fopen(dump_path.c_str(), "w");
    if (dump) std::fprintf(dump, "backend,sample,types,type,truth_severity,present,confidence,severity,truth_factor,factor\n");
    std::vector<std::function<void()>> timed;
    for (auto& [name, reasoner] : backends) {
      scores.push_back(evaluate(*reasoner, samples, dump));
      timed.push_back([&, r = reasoner.get()] { r->diagnose(big); });
      timed.push_back([&, r = reasoner.get()] { r->diagnose(big_noisy); });
    }
    if (dump) std::fclose(dump);
    const std::vector<double> seconds = rirf::bench::interleaved_median_seconds(9, timed);
    for (std::size_t i = 0; i < backends.size(); ++i) {
      speed.push_back(1e3 * seconds[2 * i]);
      speed_noisy.push_back(1e3 * seconds[2 * i + 1]);
    }
    std::printf("| metric | target |");
    for (const auto& b : backends) std::printf(" %s |", b.first.c_str());
    std::printf("\n|---|---|");
    for (std::size_t i = 0; i < backends.size(); ++i) std::printf("---:|");
    std::printf("\n");
    const auto row = [&](const char* metric, const char* target, auto value, const char* fmt) {
      std::printf("| %s | %s |", metric, target);
      for (const auto& s : scores) {
        std::printf(" ");
        std::printf(fmt, value(s));
        std::printf(" |");
      }
      std::printf("\n");
    };
    row("presence macro-F1", ">= 0.95", [](const Scores& s) { return s.macro_f1(); }, "%.3f");
    for (auto type : rirf::all_degradation_types()) {
      const int t = static_cast<int>(type);
      const std::string label = std::string("F1 ") + rirf::type_name(type);
      row(label.c_str(), "", [t](const Scores& s) { return s.f1(t); }, "%.3f");
    }
    row("clean called clean", ">= 95%", [](const Scores& s) { return 100.0 * s.clean_right / std::max(1, s.clean_total); }, "%.1f%%");
    row("noise sigma MAE (sigma 5-50)", "<= 2.0", [](const Scores& s) { return s.sigma_error / std::max(1, s.sigma_count); }, "%.2f");
    row("JPEG quality MAE", "<= 8", [](const Scores& s) { return s.quality_error / std::max(1, s.quality_count); }, "%.2f");
    for (auto type : rirf::all_degradation_types()) {
      const int t = static_cast<int>(type);
      const std::string label = std::string("severity MAE ") + rirf::type_name(type) + " (when present)";
      row(label.c_str(), "<= 8", [t](const Scores& s) { return s.severity_error[t] / std::max(1, s.severity_count[t]); }, "%.2f");
    }
    std::printf("| diagnose 1024x1024, median ms | <= 100 |");
    for (double ms : speed) std::printf(" %.1f |", ms);
    std::printf("\n| the same with noise of sigma 25, median ms | <= 100 |");
    for (double ms : speed_noisy) std::printf(" %.1f |", ms);
    std::printf("\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_reasoner: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
