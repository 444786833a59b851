// The diagnosis contract: JSON round trip, validation naming the field, reasoning that never
// contradicts the structured fields, and the measured scene attributes.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>

#include "rirf/diagnosis.hpp"
#include "rirf/error.hpp"
#include "rirf/rng.hpp"
#include "rirf/scene.hpp"

namespace {
using nlohmann::json;
using rirf::DegradationType;

rirf::Diagnosis random_diagnosis(rirf::Rng& rng) {
  rirf::Diagnosis d;
  d.backend = "test";
  d.width = 640;
  d.height = 480;
  for (auto& f : d.findings) {
    f.present = rng.bernoulli(0.4);
    f.confidence = rng.uniform(0.5, 1.0);
    f.severity = f.present ? rng.uniform(5, 100) : 0.0;
    if (f.present) f.factors[rirf::main_factor_name(f.type)] = rirf::factor_from_severity(f.type, f.severity);
  }
  d.scene.brightness = rng.uniform();
  d.scene.contrast = rng.uniform(0, 0.5);
  d.scene.sky_fraction = rng.uniform();
  d.scene.texture_density = rng.uniform();
  rirf::render_reasoning(d);
  return d;
}

TEST(Diagnosis, JsonRoundTrip) {
  rirf::Rng rng(3);
  for (int i = 0; i < 50; ++i) {
    const auto d = random_diagnosis(rng);
    const json j = rirf::diagnosis_to_json(d);
    EXPECT_EQ(rirf::diagnosis_to_json(rirf::diagnosis_from_json(json::parse(j.dump()))), j);
  }
}

TEST(Diagnosis, ReasoningNeverContradictsTheFields) {
  rirf::Rng rng(11);
  for (int i = 0; i < 200; ++i) {
    const auto d = random_diagnosis(rng);
    // One step per type, in order, whose conclusion matches presence, level and severity.
    for (std::size_t k = 0; k < d.findings.size(); ++k) {
      const auto& f = d.findings[k];
      const auto& step = d.reasoning[k];
      EXPECT_EQ(step.observation, rirf::type_name(f.type));
      if (f.present) {
        EXPECT_EQ(step.conclusion.rfind(rirf::level_name(f.level()), 0), 0u) << step.conclusion;
        char severity[32];
        std::snprintf(severity, sizeof severity, "(severity %.0f)", f.severity);
        EXPECT_NE(step.conclusion.find(severity), std::string::npos) << step.conclusion;
      } else {
        EXPECT_EQ(step.conclusion, std::string("no ") + rirf::type_name(f.type));
      }
      char confidence[32];
      std::snprintf(confidence, sizeof confidence, "confidence %.2f", f.confidence);
      EXPECT_NE(step.evidence.find(confidence), std::string::npos) << step.evidence;
    }
    // The plan is exactly the present types, last applied first.
    std::size_t present = 0;
    for (const auto& f : d.findings) present += f.present;
    ASSERT_EQ(d.plan.size(), present);
    for (std::size_t k = 1; k < d.plan.size(); ++k)
      EXPECT_GT(rirf::physical_order(d.plan[k - 1]), rirf::physical_order(d.plan[k]));
    std::size_t plan_steps = 0;
    for (const auto& step : d.reasoning) plan_steps += step.observation.rfind("plan step", 0) == 0;
    EXPECT_EQ(plan_steps, present);
    EXPECT_NE(rirf::diagnosis_to_text(d).find("plan: "), std::string::npos);
  }
}

TEST(Diagnosis, ReadingRerendersPlanAndReasoning) {
  rirf::Rng rng(5);
  json j = rirf::diagnosis_to_json(random_diagnosis(rng));
  const json original_reasoning = j["reasoning"];
  j["reasoning"] = json::array({{{"observation", "x"}, {"evidence", "y"}, {"conclusion", "all is well"}}});
  j["plan"] = json::array({"rain"});
  const json back = rirf::diagnosis_to_json(rirf::diagnosis_from_json(j));
  EXPECT_EQ(back["reasoning"], original_reasoning);
}

TEST(Diagnosis, ErrorsNameTheBadField) {
  rirf::Rng rng(8);
  rirf::Diagnosis d = random_diagnosis(rng);
  d.finding(DegradationType::noise).present = true;
  d.finding(DegradationType::noise).severity = 40;
  d.finding(DegradationType::noise).factors = {{"sigma", 22.0}};
  const json good = rirf::diagnosis_to_json(d);
  const auto error_of = [](const json& j) -> std::string {
    try {
      rirf::diagnosis_from_json(j);
    } catch (const rirf::Error& e) {
      return e.what();
    }
    return "";
  };
  json j = good;
  j["degradations"][0]["severity"] = 140;
  EXPECT_NE(error_of(j).find("diagnosis.degradations[0].severity"), std::string::npos) << error_of(j);
  j = good;
  j["degradations"][0]["factors"] = json::object();
  EXPECT_NE(error_of(j).find("factors.sigma: missing"), std::string::npos) << error_of(j);
  j = good;
  j["degradations"][1]["type"] = "noise";
  EXPECT_NE(error_of(j).find("appears twice"), std::string::npos) << error_of(j);
  j = good;
  j["degradations"][1]["type"] = "fog";
  EXPECT_NE(error_of(j).find("unknown degradation type 'fog'"), std::string::npos) << error_of(j);
  j = good;
  j["schema"] = "rirf.diagnosis/0";
  EXPECT_NE(error_of(j).find("diagnosis.schema"), std::string::npos) << error_of(j);
  j = good;
  j["degradations"][2]["confidence"] = "high";
  EXPECT_NE(error_of(j).find("confidence: must be a number"), std::string::npos) << error_of(j);
  EXPECT_NE(error_of(json::array()).find("must be a JSON object"), std::string::npos);
}

TEST(Scene, AttributesFollowTheImage) {
  const at::Tensor dark = at::full({1, 3, 40, 60}, 0.1);
  const at::Tensor bright = at::full({1, 3, 40, 60}, 0.9);
  EXPECT_LT(rirf::measure_scene(dark).brightness, 0.15);
  EXPECT_GT(rirf::measure_scene(bright).brightness, 0.85);
  EXPECT_NEAR(rirf::measure_scene(bright).colourfulness, 0.0, 1e-6);
  EXPECT_NEAR(rirf::measure_scene(bright).texture_density, 0.0, 1e-6);
  const at::Tensor noise = at::rand({1, 3, 40, 60});
  EXPECT_GT(rirf::measure_scene(noise).texture_density, 0.5);
  EXPECT_GT(rirf::measure_scene(noise).contrast, rirf::measure_scene(dark).contrast);
  // Smooth light blue above, dark texture below: a sky.
  at::Tensor scene = at::rand({1, 3, 64, 64}) * 0.3;
  scene.slice(2, 0, 32).select(1, 0).fill_(0.55);
  scene.slice(2, 0, 32).select(1, 1).fill_(0.7);
  scene.slice(2, 0, 32).select(1, 2).fill_(0.95);
  EXPECT_GT(rirf::measure_scene(scene).sky_fraction, 0.8);
  EXPECT_LT(rirf::measure_scene(noise).sky_fraction, 0.1);
  const at::Tensor red = at::cat({at::ones({1, 1, 8, 8}), at::zeros({1, 2, 8, 8})}, 1);
  EXPECT_GT(rirf::measure_scene(red).colourfulness, 0.3);
}

}  // namespace
