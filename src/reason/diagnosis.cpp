// The diagnosis struct: validation, JSON, reasoning rendered from the fields, and a text report.
#include "rirf/diagnosis.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

#include "rirf/error.hpp"

namespace rirf {
namespace {

using nlohmann::json;
constexpr const char* kSchema = "rirf.diagnosis/1";

std::string format(const char* fmt, double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, fmt, v);
  return buffer;
}

// "sigma 23.4 on the 0-255 scale" etc.: the main factor in words, from the fields.
std::string describe_main_factor(const Finding& f) {
  const char* key = main_factor_name(f.type);
  if (!f.factors.contains(key) || !f.factors[key].is_number()) return "";
  const double v = f.factors[key].get<double>();
  return rirf::describe_main_factor(f.type, v);
}

const char* stage_reason(DegradationType type) {
  switch (physical_order(type) <= 1 ? 0 : (type == DegradationType::jpeg ? 2 : 1)) {
    case 2: return "compression happened last, so its artefacts are removed first";
    case 1: return "the camera's damage is undone before the scene's";
    default: return "it is part of the scene, so it is removed after the camera's damage";
  }
}

double number_in(const json& object, const char* key, const std::string& path, double lo, double hi) {
  check(object.contains(key), path + "." + key + ": missing");
  const json& v = object.at(key);
  check(v.is_number(), path + "." + key + ": must be a number");
  const double d = v.get<double>();
  check(std::isfinite(d) && d >= lo && d <= hi, path + "." + key + ": must be in [" + format("%g", lo) + ", " +
                                                    format("%g", hi) + "], got " + format("%g", d));
  return d;
}

}  // namespace

Diagnosis::Diagnosis() {
  for (auto type : all_degradation_types()) findings[static_cast<int>(type)].type = type;
}

void Diagnosis::validate() const {
  check(width >= 0 && height >= 0, "diagnosis.image: negative size");
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const Finding& f = findings[i];
    const std::string path = std::string("diagnosis.degradations[") + type_name(f.type) + "]";
    check(static_cast<std::size_t>(f.type) == i, path + ": out of order");
    check(std::isfinite(f.confidence) && f.confidence >= 0 && f.confidence <= 1, path + ".confidence: must be in [0, 1]");
    check(std::isfinite(f.severity) && f.severity >= 0 && f.severity <= 100, path + ".severity: must be in [0, 100]");
    check(f.factors.is_object(), path + ".factors: must be an object");
  }
}

void render_reasoning(Diagnosis& d) {
  d.plan.clear();
  for (const auto& f : d.findings)
    if (f.present) d.plan.push_back(f.type);
  std::stable_sort(d.plan.begin(), d.plan.end(),
                   [](auto a, auto b) { return physical_order(a) > physical_order(b); });

  d.reasoning.clear();
  for (const auto& f : d.findings) {
    const std::string factor = describe_main_factor(f);
    ReasoningStep step;
    step.observation = type_name(f.type);
    step.evidence = (factor.empty() ? "" : factor + "; ") + format("confidence %.2f", f.confidence);
    step.conclusion = f.present ? std::string(level_name(f.level())) + " " + type_name(f.type) +
                                      format(" (severity %.0f)", f.severity)
                                : std::string("no ") + type_name(f.type);
    d.reasoning.push_back(step);
  }
  const SceneAttributes& s = d.scene;
  d.reasoning.push_back({"scene brightness", format("mean luma %.2f", s.brightness),
                         s.brightness < 0.25 ? "dark scene" : (s.brightness > 0.7 ? "bright scene" : "normal brightness")});
  d.reasoning.push_back({"scene contrast", format("RMS contrast %.3f", s.contrast) + format(", range %.2f", s.dynamic_range),
                         s.contrast < 0.1 ? "low contrast" : "normal contrast"});
  d.reasoning.push_back({"scene content", format("sky %.0f%% of the upper half", 100 * s.sky_fraction) +
                                              format(", textured pixels %.0f%%", 100 * s.texture_density),
                         std::string(s.sky_fraction > 0.2 ? "outdoor scene with sky" : "little or no sky") +
                             (s.texture_density > 0.25 ? ", detailed" : ", mostly smooth")});
  if (d.plan.empty()) {
    d.reasoning.push_back({"plan", "no degradation present", "nothing to undo: the image looks clean"});
  }
  for (std::size_t i = 0; i < d.plan.size(); ++i) {
    const Finding& f = d.finding(d.plan[i]);
    d.reasoning.push_back({"plan step " + std::to_string(i + 1),
                           std::string("undo ") + type_name(f.type) + format(" (severity %.0f)", f.severity),
                           stage_reason(f.type)});
  }
}

json diagnosis_to_json(const Diagnosis& d) {
  json degradations = json::array();
  for (const auto& f : d.findings) {
    degradations.push_back({{"type", type_name(f.type)},
                            {"present", f.present},
                            {"confidence", f.confidence},
                            {"severity", f.severity},
                            {"level", level_name(f.level())},
                            {"factors", f.factors}});
  }
  const SceneAttributes& s = d.scene;
  json reasoning = json::array();
  for (const auto& r : d.reasoning)
    reasoning.push_back({{"observation", r.observation}, {"evidence", r.evidence}, {"conclusion", r.conclusion}});
  json plan = json::array();
  for (auto t : d.plan) plan.push_back(type_name(t));
  return {{"schema", kSchema},
          {"backend", d.backend},
          {"image", {{"width", d.width}, {"height", d.height}}},
          {"degradations", degradations},
          {"scene",
           {{"brightness", s.brightness},
            {"contrast", s.contrast},
            {"dynamic_range", s.dynamic_range},
            {"colourfulness", s.colourfulness},
            {"sky_fraction", s.sky_fraction},
            {"texture_density", s.texture_density}}},
          {"reasoning", reasoning},
          {"plan", plan}};
}

Diagnosis diagnosis_from_json(const json& j) {
  check(j.is_object(), "diagnosis: must be a JSON object");
  check(j.value("schema", "") == kSchema, std::string("diagnosis.schema: expected '") + kSchema + "'");
  Diagnosis d;
  d.backend = j.value("backend", "");
  if (j.contains("image")) {
    const json& image = j["image"];
    check(image.is_object(), "diagnosis.image: must be an object");
    d.width = static_cast<std::int64_t>(number_in(image, "width", "diagnosis.image", 0, 1e9));
    d.height = static_cast<std::int64_t>(number_in(image, "height", "diagnosis.image", 0, 1e9));
  }
  check(j.contains("degradations") && j["degradations"].is_array(), "diagnosis.degradations: missing or not an array");
  std::set<DegradationType> seen;
  for (std::size_t i = 0; i < j["degradations"].size(); ++i) {
    const json& e = j["degradations"][i];
    const std::string path = "diagnosis.degradations[" + std::to_string(i) + "]";
    check(e.is_object(), path + ": must be an object");
    check(e.contains("type") && e["type"].is_string(), path + ".type: missing or not a string");
    const DegradationType type = type_from_name(e["type"].get<std::string>());
    check(seen.insert(type).second, path + ".type: '" + type_name(type) + "' appears twice");
    Finding& f = d.finding(type);
    check(e.contains("present") && e["present"].is_boolean(), path + ".present: must be true or false");
    f.present = e["present"].get<bool>();
    f.confidence = number_in(e, "confidence", path, 0, 1);
    f.severity = number_in(e, "severity", path, 0, 100);
    if (e.contains("factors")) {
      check(e["factors"].is_object(), path + ".factors: must be an object");
      f.factors = e["factors"];
    }
    check(!f.present || f.factors.contains(main_factor_name(type)),
          path + ".factors." + main_factor_name(type) + ": missing for a present degradation");
  }
  if (j.contains("scene")) {
    const json& s = j["scene"];
    check(s.is_object(), "diagnosis.scene: must be an object");
    d.scene.brightness = number_in(s, "brightness", "diagnosis.scene", 0, 1);
    d.scene.contrast = number_in(s, "contrast", "diagnosis.scene", 0, 1);
    d.scene.dynamic_range = number_in(s, "dynamic_range", "diagnosis.scene", 0, 1);
    d.scene.colourfulness = number_in(s, "colourfulness", "diagnosis.scene", 0, 1);
    d.scene.sky_fraction = number_in(s, "sky_fraction", "diagnosis.scene", 0, 1);
    d.scene.texture_density = number_in(s, "texture_density", "diagnosis.scene", 0, 1);
  }
  d.validate();
  render_reasoning(d);  // plan and reasoning are derived, never taken on trust
  return d;
}

std::string diagnosis_to_text(const Diagnosis& d) {
  std::ostringstream out;
  out << "image " << d.width << "x" << d.height << ", backend " << d.backend << "\n";
  for (const auto& f : d.findings) {
    char line[160];
    std::snprintf(line, sizeof line, "  %-10s %-8s severity %5.1f  %-9s confidence %.2f", type_name(f.type),
                  f.present ? "present" : "absent", f.severity, level_name(f.level()), f.confidence);
    out << line;
    const std::string factor = describe_main_factor(f);
    if (f.present && !factor.empty()) out << "  (" << factor << ")";
    out << "\n";
  }
  out << "reasoning:\n";
  for (std::size_t i = 0; i < d.reasoning.size(); ++i) {
    const auto& r = d.reasoning[i];
    out << "  " << i + 1 << ". " << r.observation << ": " << r.evidence << " -> " << r.conclusion << "\n";
  }
  out << "plan: ";
  if (d.plan.empty()) out << "nothing to undo";
  for (std::size_t i = 0; i < d.plan.size(); ++i) out << (i ? " -> " : "") << type_name(d.plan[i]);
  out << "\n";
  return out.str();
}

}  // namespace rirf
