// The pipeline behind every front end: load the models once, then for each image diagnose,
// restore by that diagnosis and diagnose what is left, with progress and cancellation.
#include <ATen/ATen.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "rirf/diagnet.hpp"
#include "rirf/error.hpp"
#include "rirf/pipeline.hpp"

namespace rirf {
namespace fs = std::filesystem;

namespace {

// Shares of the whole run, measured on a 1 MP photo (a diagnosis is about a tenth of a
// restoration), so the progress bar moves at an even pace.
constexpr double kDiagnoseShare = 0.1, kResidualShare = 0.1;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void stop_if_cancelled(const RunControl& control) {
  if (control.cancel && control.cancel->load(std::memory_order_relaxed)) throw Cancelled();
}

void report(const RunControl& control, Stage stage, double fraction) {
  if (control.progress) control.progress(stage, fraction);
}

std::string model_path(const std::string& given, const std::string& shipped_name, const std::string& field) {
  if (!given.empty()) return given;
  std::string looked;
  const std::string found = find_shipped_model(shipped_name, &looked);
  if (found.empty())
    throw OptionError(field, "not given, and no shipped " + shipped_name + " was found (looked in " + looked +
                                 "; RIRF_MODELS_DIR may name the folder that holds it)");
  return found;
}

}  // namespace

ReasonerBackend backend_from_name(const std::string& name) {
  if (name == "diagnet") return ReasonerBackend::diagnet;
  if (name == "classical") return ReasonerBackend::classical;
  throw OptionError("backend", "unknown backend '" + name + "' (valid: diagnet, classical)");
}

const char* stage_name(Stage stage) {
  switch (stage) {
    case Stage::diagnose: return "diagnose";
    case Stage::restore: return "restore";
    case Stage::residual: return "residual";
    case Stage::done: return "done";
  }
  return "?";
}

std::string find_shipped_model(const std::string& file_name, std::string* looked_in) {
  std::vector<fs::path> candidates;
  if (const char* dir = std::getenv("RIRF_MODELS_DIR")) candidates.emplace_back(fs::path(dir) / file_name);
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {  // <build or prefix>/bin-or-build-folder/program -> <root>/models, <prefix>/share/rirf/models
    candidates.push_back(exe.parent_path().parent_path() / "models" / file_name);
    candidates.push_back(exe.parent_path().parent_path() / "share" / "rirf" / "models" / file_name);
  }
  std::string looked;
  for (const auto& candidate : candidates) {
    if (fs::is_regular_file(candidate, ec)) return candidate.string();
    looked += (looked.empty() ? "" : ", ") + candidate.string();
  }
  if (looked_in) *looked_in = looked;
  return "";
}

void PipelineOptions::validate() const {
  check_option(backend == ReasonerBackend::diagnet || reasoner_weights.empty(), "reasoner_weights",
               "applies to the diagnet backend only");
  check_option(load_restorer || restorer_weights.empty(), "restorer_weights",
               "given to a pipeline that does not restore");
  check_option(load_restorer || expert_weights.empty(), "expert_weights", "given to a pipeline that does not restore");
}


Pipeline::Pipeline(const PipelineOptions& options) {
  options.validate();
  reasoner_ = options.backend == ReasonerBackend::classical
                  ? make_classical_reasoner()
                  : load_diagnet_reasoner(model_path(options.reasoner_weights, "reasoner.safetensors", "reasoner_weights"));
  if (!options.load_restorer) return;
  const std::string restorer = model_path(options.restorer_weights, "restorer.safetensors", "restorer_weights");
  restorer_ = options.expert_weights.empty() ? load_restorer(restorer)
                                             : load_routed_restorer({restorer, options.expert_weights});
}

Pipeline::~Pipeline() = default;

std::string Pipeline::restorer_description() const { return restorer_ ? restorer_->describe() : ""; }
bool Pipeline::restorer_conditioned() const { return restorer_ && restorer_->conditioned(); }

Diagnosis Pipeline::diagnose(const at::Tensor& image, const RunControl& control) {
  rirf::check(image.defined() && image.dim() == 4 && image.size(0) == 1 && image.size(1) == 3,
        "image: expected one RGB image [1, 3, H, W]");
  rirf::check(image.size(2) > 0 && image.size(3) > 0,
        "image is " + std::to_string(image.size(3)) + "x" + std::to_string(image.size(2)));
  stop_if_cancelled(control);
  report(control, Stage::diagnose, 0.0);
  Diagnosis diagnosis = reasoner_->diagnose(image);
  report(control, Stage::diagnose, 1.0);
  return diagnosis;
}

void Pipeline::check(const RunOptions& options) const {
  rirf::check(restorer_ != nullptr, "pipeline: made to diagnose only (load_restorer is false); it cannot restore");
  check_restore_options(*restorer_, options.restore);
}

PipelineResult Pipeline::run(const at::Tensor& image, const RunOptions& options, const RunControl& control) {
  check(options);
  const auto start = std::chrono::steady_clock::now();
  const double restore_share = 1.0 - kDiagnoseShare - (options.residual ? kResidualShare : 0.0);
  PipelineResult result;

  RunControl first = control;  // the diagnosis' own progress, scaled into the run's
  first.progress = [&](Stage stage, double f) { report(control, stage, f * kDiagnoseShare); };
  result.diagnosis = diagnose(image, first);
  result.timings.diagnose_s = seconds_since(start);
  if (control.on_diagnosis) control.on_diagnosis(result.diagnosis);

  stop_if_cancelled(control);
  auto stage_start = std::chrono::steady_clock::now();
  report(control, Stage::restore, kDiagnoseShare);
  const auto tile_done = [&](int done, int total) {
    stop_if_cancelled(control);
    report(control, Stage::restore, kDiagnoseShare + restore_share * done / std::max(total, 1));
  };
  result.restored = restorer_->restore(image, result.diagnosis, options.restore, tile_done);
  result.timings.restore_s = seconds_since(stage_start);

  if (options.residual) {
    stop_if_cancelled(control);
    stage_start = std::chrono::steady_clock::now();
    report(control, Stage::residual, kDiagnoseShare + restore_share);
    result.residual = reasoner_->diagnose(result.restored);
    result.timings.residual_s = seconds_since(stage_start);
  }
  result.timings.total_s = seconds_since(start);
  report(control, Stage::done, 1.0);
  return result;
}

std::string before_after_summary(const Diagnosis& before, const Diagnosis& after) {
  std::string text;
  for (auto type : all_degradation_types()) {
    const Finding &b = before.finding(type), &a = after.finding(type);
    if (!b.present && !a.present) continue;
    char part[160];
    std::snprintf(part, sizeof part, "%s%s %s %.0f -> %s %.0f", text.empty() ? "" : "; ", type_name(type),
                  level_name(b.level()), b.severity, level_name(a.level()), a.severity);
    text += part;
  }
  return text.empty() ? "clean before and after" : text;
}

}  // namespace rirf
