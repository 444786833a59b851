#include "restore/condition.hpp"

#include <ATen/ATen.h>

#include <algorithm>
#include <string>

namespace rirf {

Diagnosis without_kept_types(Diagnosis diagnosis, const KeepMask& keep) {
  for (auto type : all_degradation_types())
    if (keep[static_cast<int>(type)]) {
      Finding& f = diagnosis.finding(type);
      f.present = false;
      f.confidence = 1.0;
      f.severity = 0;
      f.factors = nlohmann::json::object();
    }
  return diagnosis;
}

Diagnosis restoration_request(const Diagnosis& diagnosis, const KeepMask& keep) {
  Diagnosis request = without_kept_types(diagnosis, keep);
  // JPEG the only damage to undo: beside the other types the faint noise cost the mixed suite
  // 0.13 dB (and its composites with noise already have it). Noise found and kept is grain the
  // user wants, so it is not touched either.
  bool only_jpeg = request.finding(DegradationType::jpeg).present && !diagnosis.finding(DegradationType::noise).present;
  for (auto type : all_degradation_types())
    if (type != DegradationType::jpeg && request.finding(type).present) only_jpeg = false;
  if (only_jpeg) {
    Finding& noise = request.finding(DegradationType::noise);
    noise.present = true;
    noise.confidence = 0.9;
    noise.severity = severity_from_factor(DegradationType::noise, kJpegAsNoiseSigma);
    noise.factors = {{main_factor_name(DegradationType::noise), kJpegAsNoiseSigma}};
  }
  return request;
}

bool nothing_to_undo(const Diagnosis& request) {
  for (const Finding& f : request.findings)
    if (f.present) return false;
  return true;
}

Condition condition_from_diagnosis(const Diagnosis& diagnosis) {
  Condition c{};
  for (auto type : all_degradation_types()) {
    const int t = static_cast<int>(type);
    const Finding& f = diagnosis.finding(type);
    c[kConditionPerType * t] = static_cast<float>(f.present ? f.confidence : 1.0 - f.confidence);
    c[kConditionPerType * t + 1] = static_cast<float>(f.present ? f.severity / 100.0 : 0.0);
  }
  constexpr int kBlurKind = kConditionPerType * kNumDegradationTypes, kAirlight = kBlurKind + 3;
  const Finding& blur = diagnosis.finding(DegradationType::blur);
  if (blur.present && blur.factors.contains("kind") && blur.factors["kind"].is_string()) {
    static const char* const kinds[] = {"gaussian", "defocus", "motion"};
    const std::string kind = blur.factors["kind"].get<std::string>();
    for (int k = 0; k < 3; ++k)
      if (kind == kinds[k]) c[kBlurKind + k] = 1.0f;
  }
  const Finding& haze = diagnosis.finding(DegradationType::haze);
  if (haze.present && haze.factors.contains("airlight") && haze.factors["airlight"].is_array() &&
      haze.factors["airlight"].size() == 3) {
    for (int k = 0; k < 3; ++k)
      if (haze.factors["airlight"][k].is_number()) c[kAirlight + k] = haze.factors["airlight"][k].get<float>();
  }
  return c;
}

at::Tensor condition_tensor(const Diagnosis& diagnosis) {
  Condition values = condition_from_diagnosis(diagnosis);
  return at::from_blob(values.data(), {1, kConditionSize}, at::kFloat).clone();
}

KeepMask keep_mask(const std::vector<DegradationType>& only) {
  KeepMask keep{};
  if (!only.empty())
    for (auto type : all_degradation_types())
      keep[static_cast<int>(type)] = std::find(only.begin(), only.end(), type) == only.end();
  return keep;
}

}  // namespace rirf
