// Restoration quality, speed and memory of the restorer, as markdown tables.
//   bench_restorer --val DIR [--val DIR ...] [--weights W] [--blind W] [--reasoner W]
//                  [--external NAME=DIR ...] [--suites a,b] [--limit N]
//                  [--speed-mp 1] [--memory-mp 24] [--repeats 5] [--threads N] [--rl W] [--oracle 1]
//                  [--deconvolve 0] [--ensemble N] [--keep 1]
// Quality: every validation image (centre-cropped to a multiple of 16) through each fixed-seed
// suite (rirf synth --list-suites), 8-bit quantised; PSNR/SSIM (RGB, data range 1, skimage
// defaults) of the degraded input, of each --external method's outputs (read from
// DIR/<suite>/<set>/<stem>.png, e.g. OpenCV's NLM by bench/classical_restore.py on the inputs
// written by --write-inputs), of the blind twin and of the conditioned restorer (diagnosed by
// DiagNet first, as `rirf restore` does). Plus the clean row: clean input, PSNR against itself.
// --oracle 1 adds the conditioned restorer given the true diagnosis (the suite's plan): the gap
// between it and the DiagNet column is what the reasoner's errors cost. --deconvolve 0 runs the
// conditioned network alone, without the deconvolution of a diagnosed blur after it. --ensemble N
// restores each tile N times mirrored and flipped (both networks; RestoreOptions::ensemble).
// Speed: diagnose + restore one photo resized to --speed-mp megapixels, median of --repeats.
// --keep 1: instead of the quality table, how well `--only` keeps the types it is not given
// (keep_table).
// --write-inputs DIR only writes the degraded inputs as DIR/<suite>/<set>/<stem>.png.
// --rl W: instead of the quality table, supervised (--weights) against supervised + RL (W), same
// network: PSNR/SSIM and the residual severity (summed over the six types) that DiagNet, the
// reward's judge, and the classical backend, an independent judge, find in each output.
// Memory: peak resident memory of diagnose + restore of a --memory-mp image (run it alone: the
// peak is the process's).
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <sys/resource.h>
#include <torch/version.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "rirf/degrade.hpp"
#include "rirf/diagnet.hpp"
#include "rirf/error.hpp"
#include "rirf/image_io.hpp"
#include "rirf/metrics.hpp"
#include "rirf/reasoner.hpp"
#include "rirf/restorer.hpp"
#include "rirf/suites.hpp"
#include "timing.hpp"
#include "train/quantise.hpp"

namespace {
namespace fs = std::filesystem;

using rirf::train::quantise;  // 8-bit, as a degraded image is stored

struct Score {
  double psnr = 0, ssim = 0;
  int count = 0;
  // Outputs equal to the truth have infinite PSNR, which would make the mean infinite however
  // far the other images are: such rows say how many were exact and the worst image's PSNR.
  int exact = 0;
  double worst = std::numeric_limits<double>::infinity();
  void add(const at::Tensor& pred, const at::Tensor& truth) {
    const double p = rirf::psnr(pred, truth);
    psnr += p, ssim += rirf::ssim(pred, truth), ++count;
    exact += std::isinf(p) ? 1 : 0;
    worst = std::min(worst, p);
  }
  // Adds the mean of `rows` as one more entry of an average over rows (empty rows are skipped).
  void add_mean(const Score& rows) {
    if (rows.count == 0) return;
    psnr += rows.psnr / rows.count, ssim += rows.ssim / rows.count, ++count;
  }
  std::string cell() const {
    if (count == 0) return "–";
    char text[80];
    if (exact > 0 && exact == count)
      std::snprintf(text, sizeof text, "inf (all %d exact) / %.4f", count, ssim / count);
    else if (exact > 0)
      std::snprintf(text, sizeof text, "%d of %d exact, worst %.2f / %.4f", exact, count, worst, ssim / count);
    else
      std::snprintf(text, sizeof text, "%.2f / %.4f", psnr / count, ssim / count);
    return text;
  }
};

struct Args {
  std::vector<std::string> val_dirs, suites, external;
  std::string weights = "models/restorer.safetensors", blind, reasoner = "models/reasoner.safetensors", rl;
  std::string write_inputs;
  bool oracle = false;
  bool keep = false;  // --keep 1: only the table of kept types (keep_table)
  bool deconvolve = true;  // --deconvolve 0: the conditioned network alone (no deconvolution after it)
  int ensemble = 1;        // --ensemble N: geometric self-ensemble of N views (RestoreOptions::ensemble)
  std::size_t limit = 0;
  double speed_mp = 1.0, memory_mp = 0;
  int repeats = 5;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
};

rirf::RestoreOptions restore_options(const Args& a) {
  rirf::RestoreOptions options;
  options.deconvolve = a.deconvolve;
  options.ensemble = a.ensemble;
  return options;
}

std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto end = std::min(list.find(',', start), list.size());
    if (end > start) parts.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// A photo-like image of about `mp` megapixels and 3:2 aspect: a validation photo resized.
at::Tensor photo_of_size(const std::string& val_dir, double mp) {
  const at::Tensor photo = rirf::load_image(rirf::list_image_files(val_dir).front()).rgb;
  const auto h = static_cast<std::int64_t>(std::sqrt(mp * 1e6 * 2 / 3)), w = h * 3 / 2;
  return at::upsample_bilinear2d(photo, {h, w}, false).clamp(0, 1).contiguous();
}

long peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

struct Sample {
  std::string stem;
  at::Tensor clean, degraded;
  rirf::DegradationPlan plan;  // empty for the clean suite
};

// The suite's samples of one validation set: index k of the set gets the suite's plan k.
std::vector<Sample> make_samples(const std::string& dir, const std::string& suite, std::size_t limit) {
  auto files = rirf::list_image_files(dir);
  if (limit > 0 && files.size() > limit) files.resize(limit);
  std::vector<Sample> samples;
  for (std::size_t k = 0; k < files.size(); ++k) {
    const at::Tensor clean = rirf::center_crop_to_multiple(rirf::load_image(files[k]).rgb, 16).contiguous();
    const rirf::DegradationPlan plan = suite == "clean" ? rirf::DegradationPlan{} : rirf::suite_plan(suite, k);
    const at::Tensor degraded = suite == "clean" ? clean : quantise(rirf::apply(clean, plan));
    samples.push_back({fs::path(files[k]).stem().string(), clean, degraded, plan});
  }
  return samples;
}

std::vector<std::string> suite_names(const Args& a) {
  if (!a.suites.empty()) return a.suites;
  std::vector<std::string> names{"clean"};
  for (const auto& s : rirf::synth_suites()) names.push_back(s.name);
  return names;
}

// DIR/<suite>/<set>/<stem>.png: the degraded inputs, for an external method to restore.
void write_inputs(const Args& a) {
  for (const auto& suite : suite_names(a)) {
    if (suite == "clean") continue;
    for (const auto& dir : a.val_dirs) {
      const fs::path folder = fs::path(a.write_inputs) / suite / fs::path(dir).filename();
      fs::create_directories(folder);
      for (const auto& s : make_samples(dir, suite, a.limit))
        rirf::save_image(rirf::image_from_tensor(s.degraded), (folder / (s.stem + ".png")).string());
    }
  }
  std::printf("wrote the degraded inputs under %s\n", a.write_inputs.c_str());
}

void quality(const Args& a, rirf::Reasoner& reasoner, rirf::Restorer& restorer, rirf::Restorer* blind) {
  std::vector<std::pair<std::string, std::string>> external;  // name, folder
  for (const auto& e : a.external) {
    const auto eq = e.find('=');
    external.push_back({e.substr(0, eq), eq == std::string::npos ? "" : e.substr(eq + 1)});
  }
  const std::vector<std::string> suites = suite_names(a);
  std::printf("## Restoration quality, PSNR dB / SSIM (RGB, centre crop to a multiple of 16)\n\n");
  std::printf("| suite | set | images | degraded input |");
  for (const auto& [name, dir] : external) std::printf(" %s |", name.c_str());
  std::printf("%s conditioned |%s\n|---|---|---:|---:|", blind ? " blind twin |" : "",
              a.oracle ? " conditioned, true diagnosis |" : "");
  for (std::size_t i = 0; i < external.size() + (blind ? 2 : 1) + (a.oracle ? 1 : 0); ++i) std::printf("---:|");
  std::printf("\n");
  const rirf::RestoreOptions options = restore_options(a);
  Score avg_input, avg_blind, avg_conditioned, avg_oracle;
  std::vector<Score> avg_external(external.size());
  for (const auto& suite : suites) {
    for (const auto& dir : a.val_dirs) {
      const std::string set = fs::path(dir).filename().string();
      Score input, conditioned, twin, oracle;
      std::vector<Score> ext(external.size());
      for (const auto& [stem, clean, degraded, plan] : make_samples(dir, suite, a.limit)) {
        input.add(degraded, clean);
        for (std::size_t e = 0; e < external.size(); ++e) {
          const fs::path path = fs::path(external[e].second) / suite / set / (stem + ".png");
          if (fs::exists(path)) ext[e].add(rirf::load_image(path.string()).rgb, clean);
        }
        const rirf::Diagnosis diagnosis = reasoner.diagnose(degraded);
        conditioned.add(quantise(restorer.restore(degraded, diagnosis, options)), clean);
        if (blind) twin.add(quantise(blind->restore(degraded, diagnosis, options)), clean);
        if (a.oracle) oracle.add(quantise(restorer.restore(degraded, rirf::diagnosis_from_plan(plan, degraded), options)), clean);
      }
      std::printf("| %s | %s | %d | %s |", suite.c_str(), set.c_str(), input.count,
                  suite == "clean" ? "(itself)" : input.cell().c_str());
      for (std::size_t e = 0; e < external.size(); ++e) std::printf(" %s |", ext[e].cell().c_str());
      if (blind) std::printf(" %s |", twin.cell().c_str());
      std::printf(" %s |", conditioned.cell().c_str());
      if (a.oracle) std::printf(" %s |", oracle.cell().c_str());
      std::printf("\n");
      std::fflush(stdout);
      if (suite == "clean") continue;  // the average is over degraded suites
      avg_input.add_mean(input), avg_blind.add_mean(twin), avg_conditioned.add_mean(conditioned);
      avg_oracle.add_mean(oracle);
      for (std::size_t e = 0; e < external.size(); ++e) avg_external[e].add_mean(ext[e]);
    }
  }
  std::printf("| **average of the degraded rows** | | | %s |", avg_input.cell().c_str());
  for (const auto& s : avg_external) std::printf(" %s |", s.cell().c_str());
  if (blind) std::printf(" %s |", avg_blind.cell().c_str());
  std::printf(" %s |", avg_conditioned.cell().c_str());
  if (a.oracle) std::printf(" %s |", avg_oracle.cell().c_str());
  std::printf("\n\n");
}

// `--only`: each mixed-suite sample restored once for each type in it, that type kept (the
// others undone). The truth is the plan's kept step alone on the clean image (as the trainer's
// keep samples make it: same seed). Beside the restoration told to keep it: the input (nothing
// undone) and the plain restoration (everything undone), both scored against the same truth.
void keep_table(const Args& a, rirf::Reasoner& reasoner, rirf::Restorer& restorer) {
  std::printf("## Keeping one type on purpose (`--only` the others), mixed suite, PSNR dB / SSIM against the kept "
              "type alone\n\n| kept type | set | n | input (nothing undone) | all undone | `--only` the others |\n"
              "|---|---|---:|---:|---:|---:|\n");
  const rirf::RestoreOptions plain = restore_options(a);
  struct Row {
    Score input, all, only;
  };
  std::vector<std::pair<std::string, std::array<Row, rirf::kNumDegradationTypes>>> sets;
  for (const auto& dir : a.val_dirs) {
    std::array<Row, rirf::kNumDegradationTypes> rows;
    for (const auto& [stem, clean, degraded, plan] : make_samples(dir, "mixed", a.limit)) {
      // One diagnosis and one full restoration per sample, scored against each kept type's truth.
      const rirf::Diagnosis diagnosis = reasoner.diagnose(degraded);
      const at::Tensor all = quantise(restorer.restore(degraded, diagnosis, plain));
      for (const auto kept : rirf::all_degradation_types()) {
        rirf::DegradationPlan kept_plan;
        rirf::RestoreOptions keeping = plain;
        for (const auto& step : plan.steps) {
          if (step.type == kept) kept_plan.steps.push_back(step);
          else if (std::find(keeping.only.begin(), keeping.only.end(), step.type) == keeping.only.end())
            keeping.only.push_back(step.type);
        }
        if (kept_plan.steps.empty()) continue;
        const at::Tensor truth = quantise(rirf::apply(clean, kept_plan));
        Row& row = rows[static_cast<int>(kept)];
        row.input.add(degraded, truth);
        row.all.add(all, truth);
        row.only.add(quantise(restorer.restore(degraded, diagnosis, keeping)), truth);
      }
    }
    sets.push_back({fs::path(dir).filename().string(), rows});
  }
  Score avg[3];
  for (const auto kept : rirf::all_degradation_types())
    for (const auto& [set, rows] : sets) {
      const Row& row = rows[static_cast<int>(kept)];
      if (row.input.count == 0) continue;
      std::printf("| %s | %s | %d | %s | %s | %s |\n", rirf::type_name(kept), set.c_str(), row.input.count,
                  row.input.cell().c_str(), row.all.cell().c_str(), row.only.cell().c_str());
      avg[0].add_mean(row.input), avg[1].add_mean(row.all), avg[2].add_mean(row.only);
    }
  std::printf("| **average of the rows** | | | %s | %s | %s |\n\n", avg[0].cell().c_str(), avg[1].cell().c_str(),
              avg[2].cell().c_str());
}

// What a judge still finds in an image: severity summed over the types it calls present.
double residual_severity(rirf::Reasoner& judge, const at::Tensor& image) {
  double total = 0;
  for (const auto& f : judge.diagnose(image).findings)
    if (f.present) total += f.severity;
  return total;
}

void rl_table(const Args& a, rirf::Reasoner& reasoner, rirf::Restorer& supervised, rirf::Restorer& rl) {
  const auto classical = rirf::make_classical_reasoner();
  std::printf("## Supervised vs supervised + RL (same network)\n\n"
              "| suite | set | n | supervised PSNR / SSIM | + RL PSNR / SSIM | DiagNet residual: supervised | + RL "
              "| classical residual: supervised | + RL |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
  const rirf::RestoreOptions options = restore_options(a);
  Score avg_sup, avg_rl;
  double avg_residual[4] = {0, 0, 0, 0};
  int rows = 0;
  for (const auto& suite : suite_names(a)) {
    for (const auto& dir : a.val_dirs) {
      const std::string set = fs::path(dir).filename().string();
      Score sup, tuned;
      double residual[4] = {0, 0, 0, 0};  // DiagNet sup, DiagNet RL, classical sup, classical RL
      for (const auto& [stem, clean, degraded, plan] : make_samples(dir, suite, a.limit)) {
        const rirf::Diagnosis diagnosis = reasoner.diagnose(degraded);
        const at::Tensor x = quantise(supervised.restore(degraded, diagnosis, options));
        const at::Tensor y = quantise(rl.restore(degraded, diagnosis, options));
        sup.add(x, clean), tuned.add(y, clean);
        residual[0] += residual_severity(reasoner, x), residual[1] += residual_severity(reasoner, y);
        residual[2] += residual_severity(*classical, x), residual[3] += residual_severity(*classical, y);
      }
      for (double& r : residual) r /= std::max(1, sup.count);
      std::printf("| %s | %s | %d | %s | %s | %.1f | %.1f | %.1f | %.1f |\n", suite.c_str(), set.c_str(), sup.count,
                  sup.cell().c_str(), tuned.cell().c_str(), residual[0], residual[1], residual[2], residual[3]);
      std::fflush(stdout);
      if (suite == "clean" || sup.count == 0) continue;
      avg_sup.add_mean(sup), avg_rl.add_mean(tuned);
      for (int i = 0; i < 4; ++i) avg_residual[i] += residual[i];
      ++rows;
    }
  }
  for (double& r : avg_residual) r /= std::max(1, rows);
  std::printf("| **average of the degraded rows** | | | %s | %s | %.1f | %.1f | %.1f | %.1f |\n\n", avg_sup.cell().c_str(),
              avg_rl.cell().c_str(), avg_residual[0], avg_residual[1], avg_residual[2], avg_residual[3]);
}

// The restorer returns an image it finds nothing in unchanged, without running the network; a
// timing of that would measure nothing.
void require_finding(const rirf::Diagnosis& diagnosis) {
  if (diagnosis.any_present()) return;
  throw rirf::Error("bench: the reasoner found nothing in the timed image, so the network would not run");
}

void speed(const Args& a, rirf::Reasoner& reasoner, rirf::Restorer& restorer) {
  const at::Tensor image = photo_of_size(a.val_dirs.front(), a.speed_mp);
  const at::Tensor noisy = quantise(rirf::apply(image, rirf::suite_plan("denoise-25", 0)));
  const double mp = static_cast<double>(image.size(2) * image.size(3)) / 1e6;
  const rirf::RestoreOptions options = restore_options(a);
  rirf::Diagnosis diagnosis;
  const double t_diag = rirf::bench::median_seconds(a.repeats, [&] { diagnosis = reasoner.diagnose(noisy); });
  require_finding(diagnosis);
  const double t_rest = rirf::bench::median_seconds(a.repeats, [&] { restorer.restore(noisy, diagnosis, options); });
  // Every view of the self-ensemble is a pass of the network (the timed image has no haze).
  const double gflop = 2.0 * restorer.macs_per_pixel() * mp * 1e6 / 1e9 * options.ensemble;
  std::printf("## Speed: diagnose + restore, %lldx%lld (%.2f MP), tile %lld overlap %lld, ensemble %d (median of %d)\n\n",
              static_cast<long long>(image.size(3)), static_cast<long long>(image.size(2)), mp,
              static_cast<long long>(options.tile), static_cast<long long>(options.overlap), options.ensemble, a.repeats);
  std::printf("| stage | ms | s per MP | network GFLOP | achieved GFLOP/s |\n|---|---:|---:|---:|---:|\n");
  std::printf("| diagnose (DiagNet) | %.0f | %.3f | | |\n", t_diag * 1e3, t_diag / mp);
  std::printf("| restore (%s) | %.0f | %.3f | %.1f | %.1f |\n", restorer.describe().c_str(), t_rest * 1e3,
              t_rest / mp, gflop, gflop / t_rest);
  std::printf("| **diagnose + restore** | **%.0f** | **%.3f** | | |\n\n", (t_diag + t_rest) * 1e3, (t_diag + t_rest) / mp);
  std::printf("GFLOP counts the network's multiply-adds on the image's own pixels (x2), not the tiles'\n"
              "overlap or padding, so GFLOP/s is the useful rate.\n\n");
}

void memory(const Args& a, rirf::Reasoner& reasoner, rirf::Restorer& restorer) {
  // Noisy, so the diagnosis finds something and the network runs (a clean verdict skips it).
  // Gaussian noise added in place: the engine's noise model would make several full-size
  // copies, and this process's peak would then be the bench's synthesis, not the restore.
  at::Tensor image = photo_of_size(a.val_dirs.front(), a.memory_mp);
  {
    at::Tensor noise = at::randn_like(image);
    image.add_(noise.mul_(25.0 / 255.0)).clamp_(0, 1).mul_(255.0).round_().div_(255.0);
  }
  const long before = peak_rss_mib();
  const auto t0 = std::chrono::steady_clock::now();
  const rirf::Diagnosis diagnosis = reasoner.diagnose(image);
  require_finding(diagnosis);
  const at::Tensor restored = restorer.restore(image, diagnosis, restore_options(a));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("## Memory: diagnose + restore %lldx%lld (%.1f MP), default tiles\n\n",
              static_cast<long long>(image.size(3)), static_cast<long long>(image.size(2)),
              image.size(2) * image.size(3) / 1e6);
  std::printf("| peak RSS before (MiB, holds the input) | peak RSS after (MiB) | time (s) |\n|---:|---:|---:|\n");
  std::printf("| %ld | %ld | %.1f |\n\n", before, peak_rss_mib(), seconds);
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  bool run_quality = true;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--val") a.val_dirs.push_back(value);
    else if (flag == "--weights") a.weights = value;
    else if (flag == "--blind") a.blind = value;
    else if (flag == "--rl") a.rl = value;
    else if (flag == "--oracle") a.oracle = value != "0";
    else if (flag == "--keep") a.keep = value != "0";
    else if (flag == "--deconvolve") a.deconvolve = value != "0";
    else if (flag == "--ensemble") a.ensemble = std::atoi(value.c_str());
    else if (flag == "--reasoner") a.reasoner = value;
    else if (flag == "--external") a.external.push_back(value);
    else if (flag == "--write-inputs") a.write_inputs = value;
    else if (flag == "--suites") a.suites = split(value);
    else if (flag == "--limit") a.limit = std::strtoull(value.c_str(), nullptr, 10);
    else if (flag == "--speed-mp") a.speed_mp = std::atof(value.c_str());
    else if (flag == "--memory-mp") a.memory_mp = std::atof(value.c_str()), run_quality = false;
    else if (flag == "--quality") run_quality = value != "0";
    else if (flag == "--repeats") a.repeats = std::atoi(value.c_str());
    else if (flag == "--threads") a.threads = std::atoi(value.c_str());
    else {
      std::fprintf(stderr, "bench_restorer: unknown option %s\n", flag.c_str());
      return 2;
    }
  }
  if (a.val_dirs.empty()) {
    std::fprintf(stderr, "bench_restorer: give --val DIR (e.g. ../shared/data/val/kodak24)\n");
    return 2;
  }
  try {
    at::set_num_threads(a.threads);
    if (!a.write_inputs.empty()) {
      write_inputs(a);
      return 0;
    }
    const auto reasoner = rirf::load_diagnet_reasoner(a.reasoner);
    const auto restorer = rirf::load_restorer(a.weights);
    const auto blind = a.blind.empty() ? nullptr : rirf::load_restorer(a.blind);
    std::printf("machine: %s, %d threads; libtorch %s\nrestorer: %s (%s)%s%s\n\n", rirf::bench::cpu_model().c_str(),
                a.threads, TORCH_VERSION, a.weights.c_str(), restorer->describe().c_str(),
                blind ? "; blind twin: " : "", blind ? (a.blind + " (" + blind->describe() + ")").c_str() : "");
    if (a.memory_mp > 0) {
      memory(a, *reasoner, *restorer);
      return 0;
    }
    if (a.keep)
      keep_table(a, *reasoner, *restorer);
    else if (!a.rl.empty())
      rl_table(a, *reasoner, *restorer, *rirf::load_restorer(a.rl));
    else if (run_quality)
      quality(a, *reasoner, *restorer, blind.get());
    if (a.speed_mp > 0) speed(a, *reasoner, *restorer);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_restorer: %s\n", e.what());
    return 1;
  }
  return 0;
}
