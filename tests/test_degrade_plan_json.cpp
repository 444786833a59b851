// Plan JSON: round trips that reproduce the same bytes, the diagnosis form, and errors that name
// the bad field.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "rirf/degrade.hpp"
#include "rirf/diagnosis.hpp"
#include "rirf/reasoner.hpp"
#include "rirf/error.hpp"

namespace {
using nlohmann::json;

std::string error_of(const json& document) {
  try {
    rirf::plan_from_json(document);
  } catch (const rirf::Error& e) {
    return e.what();
  }
  return "";
}

TEST(PlanJson, RoundTripGivesTheSamePlanAndBytes) {
  const at::Tensor x = at::rand({1, 3, 21, 17});
  rirf::Rng rng(123);
  for (int i = 0; i < 30; ++i) {
    const auto plan = rirf::sample_plan({}, rng);
    const json first = rirf::plan_to_json(plan);
    const auto back = rirf::plan_from_json(json::parse(first.dump()));
    EXPECT_EQ(rirf::plan_to_json(back), first);
    EXPECT_TRUE(at::equal(rirf::apply(x, plan), rirf::apply(x, back))) << first.dump();
  }
}

TEST(PlanJson, DiagnosisFormListsEveryTypeAndTheUndoOrder) {
  rirf::Rng rng(1);
  rirf::DegradationPlan plan{{rirf::make_step(rirf::DegradationType::haze, 40, rng),
                              rirf::make_step(rirf::DegradationType::noise, 30, rng)}};
  const json d = rirf::diagnosis_to_json(rirf::diagnosis_from_plan(plan));
  EXPECT_EQ(d["schema"], "rirf.diagnosis/1");
  EXPECT_EQ(d["backend"], "ground_truth");
  ASSERT_EQ(d["degradations"].size(), 6u);
  int present = 0;
  for (const auto& entry : d["degradations"]) {
    present += entry["present"].get<bool>();
    if (entry["type"] == "haze") {
      EXPECT_NEAR(entry["severity"].get<double>(), 40.0, 1e-9);
      EXPECT_EQ(entry["level"], "moderate");
      EXPECT_NEAR(entry["factors"]["density"].get<double>(), rirf::factor_from_severity(rirf::DegradationType::haze, 40), 1e-9);
    }
    if (!entry["present"].get<bool>()) EXPECT_EQ(entry["level"], "none");
  }
  EXPECT_EQ(present, 2);
  EXPECT_EQ(d["plan"], json({"noise", "haze"}));
  // The ground truth reads back as a valid diagnosis.
  EXPECT_EQ(rirf::diagnosis_to_json(rirf::diagnosis_from_json(d)), d);
}

TEST(PlanJson, MinimalPlansUseDefaults) {
  const auto plan = rirf::plan_from_json(json::parse(R"({"steps": [
      {"type": "blur", "seed": 3, "factors": {"kind": "defocus", "extent_px": 3}},
      {"type": "jpeg", "factors": {"quality": 30}}]})"));
  ASSERT_EQ(plan.steps.size(), 2u);
  const auto& blur = std::get<rirf::BlurFactors>(plan.steps[0].factors);
  EXPECT_EQ(blur.kind, rirf::BlurKind::defocus);
  EXPECT_GT(blur.kernel_size, 1);
  EXPECT_EQ(std::get<rirf::JpegFactors>(plan.steps[1].factors).quality, 30);
}

TEST(PlanJson, UserKernelsAreUsed) {
  const auto plan = rirf::plan_from_json(json::parse(R"({"steps": [
      {"type": "blur", "factors": {"kernel": [[0, 0, 0], [0.5, 0, 0.5], [0, 0, 0]]}}]})"));
  const auto& blur = std::get<rirf::BlurFactors>(plan.steps[0].factors);
  EXPECT_NEAR(blur.extent_px, 2.0, 1e-6);  // two taps 1 px from the centre: RMS radius 1
}

TEST(PlanJson, ErrorsNameTheBadField) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"steps": [{"type": "fog", "factors": {}}]})", "unknown degradation type 'fog'"},
      {R"({"steps": [{"type": "noise", "factors": {"sigma": 90}}]})", "plan.steps[0].factors.sigma: must be in [0, 75], got 90"},
      {R"({"steps": [{"type": "noise"}]})", "plan.steps[0].factors: missing"},
      {R"({"steps": [{"type": "noise", "factors": {"sigma": 5, "sigmaa": 1}}]})", "plan.steps[0].factors.sigmaa: unknown field"},
      {R"({"steps": [{"type": "noise", "factors": {"sigma": "high"}}]})", "plan.steps[0].factors.sigma: must be a number"},
      {R"({"schema": "rirf.plan/9", "steps": []})", "plan.schema"},
      {R"({"steps": {}})", "plan.steps: missing or not an array"},
      {R"([1, 2])", "plan: must be an object"},
      {R"({"steps": [{"type": "blur", "factors": {"kernel": [[1, 0], [0, 0]]}}]})", "kernel"},
      {R"({"steps": [{"type": "blur", "factors": {"kernel": [[1, 1, 1]]}}]})", "square"},
      {R"({"steps": [{"type": "jpeg", "factors": {"quality": 50.5}}]})", "plan.steps[0].factors.quality"},
      {R"({"steps": [{"type": "jpeg", "seed": -1, "factors": {"quality": 50}}]})", "plan.steps[0].seed"},
      {R"({"steps": [{"type": "haze", "factors": {"density": 0.3}}, {"type": "haze", "factors": {"density": 0.2}}]})",
       "appears twice"},
      {R"({"steps": [{"type": "haze", "factors": {"density": 0.3, "airlight": [1, 1]}}]})", "airlight"},
  };
  for (const auto& [text, expected] : cases) {
    const std::string message = error_of(json::parse(text));
    EXPECT_NE(message.find(expected), std::string::npos) << text << " -> '" << message << "'";
  }
}

}  // namespace
