// The pipeline: image -> diagnosis -> restoration -> residual diagnosis, the one call that the
// CLI, the tests and any other front end (an HTTP service, a binding) run. It loads the models
// once; each run takes its own options, reports progress and can be cancelled.
#pragma once

#include <ATen/core/Tensor.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "rirf/diagnosis.hpp"
#include "rirf/reasoner.hpp"
#include "rirf/restorer.hpp"

namespace rirf {

// Which reasoner reads the image: the trained DiagNet, or the classical estimators (no weights).
enum class ReasonerBackend { diagnet, classical };
// Throws OptionError("backend", ...) naming the valid backends.
ReasonerBackend backend_from_name(const std::string& name);

// A shipped model file: $RIRF_MODELS_DIR, then models/ beside the running program's build or
// install tree (<prefix>/share/rirf/models). Empty when none is found; `looked_in` then lists
// the places tried.
std::string find_shipped_model(const std::string& file_name, std::string* looked_in = nullptr);

// What a Pipeline loads. Empty paths mean the shipped models.
struct PipelineOptions {
  ReasonerBackend backend = ReasonerBackend::diagnet;
  std::string reasoner_weights;  // DiagNet weights; only with the diagnet backend
  std::string restorer_weights;  // RestorerNet (or blind twin) weights
  // Experts by type (rirf/restorer.hpp, load_routed_restorer); non-empty: a routed restorer with
  // the restorer above as the fallback for the other types.
  std::map<DegradationType, std::string> expert_weights;
  bool load_restorer = true;     // false: a pipeline that only diagnoses
  void validate() const;         // throws OptionError naming the field
};

// Where a run is; progress fractions are of the whole run.
enum class Stage { diagnose, restore, residual, done };
const char* stage_name(Stage stage);

struct RunControl {
  // Called from the running thread at each stage and after each restored tile; `fraction` of
  // the whole run, 0-1, non-decreasing.
  std::function<void(Stage stage, double fraction)> progress;
  // Called once the first diagnosis is known, before restoration starts.
  std::function<void(const Diagnosis& diagnosis)> on_diagnosis;
  // Set from any thread to stop the run: it throws Cancelled at the next stage or tile.
  const std::atomic<bool>* cancel = nullptr;
};

// Thrown by a run whose RunControl::cancel was set.
class Cancelled : public Error {
 public:
  Cancelled() : Error("cancelled") {}
};

struct PipelineTimings {
  double diagnose_s = 0, restore_s = 0, residual_s = 0, total_s = 0;
};

struct PipelineResult {
  Diagnosis diagnosis;  // of the input
  at::Tensor restored;  // [1, 3, H, W] in [0, 1]; undefined when only diagnosing
  Diagnosis residual;   // of `restored`: what is left (backend empty when not measured)
  PipelineTimings timings;
};

struct RunOptions {
  RestoreOptions restore;  // tile, overlap, strength, only, deconvolve, ensemble
  bool residual = true;    // diagnose the restored image too
};

class Pipeline {
 public:
  // Loads the reasoner and, unless told not to, the restorer; throws Error naming the file and
  // what is wrong with it, or saying where shipped models were looked for.
  explicit Pipeline(const PipelineOptions& options = {});
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // image: [1, 3, H, W] float in [0, 1] (rirf::load_image gives it).
  Diagnosis diagnose(const at::Tensor& image, const RunControl& control = {});
  // Diagnoses, restores by that diagnosis, and (when options.residual) diagnoses the result.
  PipelineResult run(const at::Tensor& image, const RunOptions& options = {}, const RunControl& control = {});
  // The checks `run` makes of its options against the loaded models (check_restore_options),
  // so a batch can refuse them before any work.
  void check(const RunOptions& options) const;

  // "RestorerNet, width 16, ..."; empty when no restorer is loaded.
  std::string restorer_description() const;
  bool restorer_conditioned() const;

 private:
  std::unique_ptr<Reasoner> reasoner_;
  std::unique_ptr<Restorer> restorer_;
};

// "noise severe 62 -> none 0; haze moderate 40 -> mild 12", or "clean before and after".
std::string before_after_summary(const Diagnosis& before, const Diagnosis& after);

}  // namespace rirf
