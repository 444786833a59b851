// The diagnosis: the contract between the reasoner, the restorer, the CLI and the RL reward.
// One struct, one JSON form (schema "rirf.diagnosis/1", documented in docs/diagnosis.md).
// Every producer (trained network, classical estimators, the engine's ground truth) fills it;
// every consumer reads only it.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "rirf/degradation.hpp"

namespace rirf {

struct DegradationPlan;

struct Finding {
  DegradationType type = DegradationType::noise;
  bool present = false;
  double confidence = 0.0;  // probability that `present` is right, 0-1
  double severity = 0.0;    // 0-100 on the documented scale; 0 when absent
  // Physical factors; always holds the main factor under main_factor_name(type) when present.
  nlohmann::json factors = nlohmann::json::object();

  SeverityLevel level() const { return present ? level_from_severity(severity) : SeverityLevel::none; }
};

// Measured on the image itself (src/reason/scene.cpp says how).
struct SceneAttributes {
  double brightness = 0;       // mean BT.601 luma, 0-1
  double contrast = 0;         // RMS contrast: std of luma, 0-0.5
  double dynamic_range = 0;    // luma 99th minus 1st percentile, 0-1
  double colourfulness = 0;    // Hasler & Suesstrunk M, 0-1 scale (divided by 255)
  double sky_fraction = 0;     // share of the upper half that is bright, smooth and bluish/grey
  double texture_density = 0;  // share of pixels with a strong local gradient
};

struct ReasoningStep {
  std::string observation;  // what was looked at
  std::string evidence;     // the measured number(s) behind it
  std::string conclusion;   // what follows
};

struct Diagnosis {
  std::string backend;  // "diagnet", "classical" or "ground_truth"
  std::int64_t width = 0, height = 0;
  std::array<Finding, kNumDegradationTypes> findings;  // one per type, in enum order
  SceneAttributes scene;
  std::vector<DegradationType> plan;     // undo order: present types, last applied first
  std::vector<ReasoningStep> reasoning;  // rendered from the fields above

  Diagnosis();
  const Finding& finding(DegradationType type) const { return findings[static_cast<int>(type)]; }
  Finding& finding(DegradationType type) { return findings[static_cast<int>(type)]; }
  bool any_present() const {
    for (const auto& f : findings)
      if (f.present) return true;
    return false;
  }
  void validate() const;  // throws Error naming the bad field
};

// Derives `plan` from the present findings (reverse physical order) and renders `reasoning`
// from the structured fields, so the text can never disagree with them.
void render_reasoning(Diagnosis& diagnosis);

nlohmann::json diagnosis_to_json(const Diagnosis& diagnosis);
// Validates everything and names the bad field: "diagnosis.degradations[2].severity: ...".
Diagnosis diagnosis_from_json(const nlohmann::json& json);
// A human-readable report: one line per finding, the scene, the reasoning and the plan.
std::string diagnosis_to_text(const Diagnosis& diagnosis);

}  // namespace rirf
