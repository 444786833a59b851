// The pipeline as a library call, with no CLI: a bundled example through the shipped models,
// progress, cancellation, options and bad input.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "rirf/error.hpp"
#include "rirf/image_io.hpp"
#include "rirf/metrics.hpp"
#include "rirf/pipeline.hpp"
#include "test_util.hpp"

namespace rirf {
namespace {

const std::string kSource = RIRF_SOURCE_DIR;

PipelineOptions shipped_models() {
  PipelineOptions options;
  options.reasoner_weights = kSource + "/models/reasoner.safetensors";
  options.restorer_weights = kSource + "/models/restorer.safetensors";
  return options;
}

TEST(Pipeline, RestoresABundledExampleAndSaysWhatIsLeft) {
  Pipeline pipeline(shipped_models());
  const Image noisy = load_image(kSource + "/examples/degraded/astronaut_noise.png");
  const Image clean = load_image(kSource + "/examples/clean/astronaut.png");
  std::vector<std::pair<Stage, double>> progress;
  int diagnoses_reported = 0;
  RunControl control;
  control.progress = [&](Stage stage, double fraction) { progress.emplace_back(stage, fraction); };
  control.on_diagnosis = [&](const Diagnosis& d) {
    ++diagnoses_reported;
    EXPECT_TRUE(d.finding(DegradationType::noise).present);
  };
  RunOptions options;
  options.restore.tile = 256;  // several tiles, so progress moves inside the restore stage
  options.restore.overlap = 32;
  const PipelineResult result = pipeline.run(noisy.rgb, options, control);

  EXPECT_EQ(result.diagnosis.backend, "diagnet");
  EXPECT_TRUE(result.diagnosis.finding(DegradationType::noise).present);
  EXPECT_EQ(result.residual.backend, "diagnet");
  EXPECT_LT(result.residual.finding(DegradationType::noise).severity,
            result.diagnosis.finding(DegradationType::noise).severity);
  ASSERT_EQ(result.restored.sizes(), noisy.rgb.sizes());
  EXPECT_GE(result.restored.min().item<double>(), 0.0);
  EXPECT_LE(result.restored.max().item<double>(), 1.0);
  EXPECT_GT(psnr(result.restored, clean.rgb), psnr(noisy.rgb, clean.rgb) + 5.0);
  EXPECT_GT(result.timings.diagnose_s, 0.0);
  EXPECT_GT(result.timings.restore_s, 0.0);
  EXPECT_GE(result.timings.total_s, result.timings.diagnose_s + result.timings.restore_s);

  EXPECT_EQ(diagnoses_reported, 1);
  ASSERT_GE(progress.size(), 4u);
  for (std::size_t i = 1; i < progress.size(); ++i) EXPECT_GE(progress[i].second, progress[i - 1].second);
  EXPECT_EQ(progress.front().second, 0.0);
  EXPECT_EQ(progress.back().first, Stage::done);
  EXPECT_EQ(progress.back().second, 1.0);
  int restore_updates = 0;
  for (const auto& [stage, fraction] : progress) restore_updates += stage == Stage::restore;
  EXPECT_GE(restore_updates, 4);  // 384 px in 256 px tiles: 4 tiles, plus the stage's start
}

TEST(Pipeline, DiagnosisAloneAndTheClassicalBackendNeedNoRestorer) {
  PipelineOptions options;
  options.backend = ReasonerBackend::classical;
  options.load_restorer = false;
  Pipeline pipeline(options);
  const Image image = load_image(kSource + "/examples/degraded/astronaut_noise.png");
  const Diagnosis d = pipeline.diagnose(image.rgb);
  EXPECT_EQ(d.backend, "classical");
  EXPECT_EQ(d.width, image.width());
  EXPECT_TRUE(pipeline.restorer_description().empty());
  test::expect_error_containing([&] { pipeline.run(image.rgb); }, "diagnose only");
}

TEST(Pipeline, ARunIsCancelledAtTheNextTile) {
  Pipeline pipeline(shipped_models());
  const at::Tensor image = torch::rand({1, 3, 200, 300}, torch::Generator(at::detail::createCPUGenerator(7)));
  std::atomic<bool> cancel{false};
  int tiles_after_cancel = 0;
  RunControl control;
  control.cancel = &cancel;
  control.progress = [&](Stage stage, double) {
    if (cancel) ++tiles_after_cancel;
    if (stage == Stage::restore) cancel = true;  // the first restore report
  };
  RunOptions options;
  options.restore.tile = 64;
  options.restore.overlap = 8;
  EXPECT_THROW(pipeline.run(image, options, control), Cancelled);
  EXPECT_LE(tiles_after_cancel, 1);
  cancel = true;
  EXPECT_THROW(pipeline.diagnose(image, control), Cancelled);
}

TEST(Pipeline, OptionsAndInputsAreCheckedAndNamed) {
  try {
    backend_from_name("oracle");
    ADD_FAILURE() << "no error";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.field(), "backend");
    EXPECT_NE(std::string(e.what()).find("valid: diagnet, classical"), std::string::npos);
  }
  PipelineOptions classical_with_weights;
  classical_with_weights.backend = ReasonerBackend::classical;
  classical_with_weights.reasoner_weights = "x.safetensors";
  test::expect_error_containing([&] { Pipeline p(classical_with_weights); }, "reasoner_weights: applies to the diagnet");
  PipelineOptions missing = shipped_models();
  missing.restorer_weights = kSource + "/no/such.safetensors";
  test::expect_error_containing([&] { Pipeline p(missing); }, "such.safetensors");

  PipelineOptions with_twin = shipped_models();
  with_twin.restorer_weights = kSource + "/models/restorer_blind.safetensors";
  Pipeline twin(with_twin);
  EXPECT_FALSE(twin.restorer_conditioned());
  RunOptions only_noise;
  only_noise.restore.only = {DegradationType::noise};
  try {
    twin.check(only_noise);
    ADD_FAILURE() << "no error";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.field(), "only");
  }
  RunOptions bad_tile;
  bad_tile.restore.tile = 10;
  test::expect_error_containing([&] { twin.check(bad_tile); }, "tile: must be in [64, 8192], got 10");

  test::expect_error_containing([&] { twin.diagnose(at::zeros({1, 3, 0, 0})); }, "image is 0x0");
  test::expect_error_containing([&] { twin.diagnose(at::zeros({3, 8, 8})); }, "expected one RGB image");
  test::expect_error_containing([&] { twin.run(at::Tensor()); }, "expected one RGB image");
}

TEST(Pipeline, ShippedModelsAreFoundThroughTheModelsFolderVariable) {
  const std::string folder = test::temp_path("pipeline", "models");
  std::filesystem::create_directories(folder);
  std::filesystem::copy_file(kSource + "/models/reasoner.safetensors", folder + "/reasoner.safetensors");
  const char* before = std::getenv("RIRF_MODELS_DIR");
  const std::string saved = before ? before : "";
  ::setenv("RIRF_MODELS_DIR", folder.c_str(), 1);
  EXPECT_EQ(find_shipped_model("reasoner.safetensors"), folder + "/reasoner.safetensors");
  std::string looked;
  EXPECT_EQ(find_shipped_model("nothing.safetensors", &looked), "");
  EXPECT_NE(looked.find(folder + "/nothing.safetensors"), std::string::npos);
  PipelineOptions diagnose_only;
  diagnose_only.load_restorer = false;
  EXPECT_NO_THROW(Pipeline p(diagnose_only));  // the reasoner from RIRF_MODELS_DIR
  if (before) ::setenv("RIRF_MODELS_DIR", saved.c_str(), 1);
  else ::unsetenv("RIRF_MODELS_DIR");
  std::filesystem::remove_all(folder);
}

TEST(Pipeline, BeforeAfterSummaryNamesEachTypeFoundBeforeOrAfter) {
  Diagnosis before, after;
  EXPECT_EQ(before_after_summary(before, after), "clean before and after");
  before.finding(DegradationType::noise).present = true;
  before.finding(DegradationType::noise).severity = 62;
  after.finding(DegradationType::haze).present = true;
  after.finding(DegradationType::haze).severity = 12;
  EXPECT_EQ(before_after_summary(before, after), "noise severe 62 -> none 0; haze none 0 -> mild 12");
}

}  // namespace
}  // namespace rirf
