// The type table and the severity scale, from each type's traits. See include/rirf/degradation.hpp
// and docs/severity.md.
#include "rirf/degradation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "degradations/factors.hpp"
#include "rirf/error.hpp"

namespace rirf {
namespace {

struct TypeInfo {
  DegradationType type;
  const char* name;
  degradations::TypeTraits traits;
};

// Made once from the degradation table and each type's traits (src/degradations/<name>/factors.cpp).
const std::array<TypeInfo, kNumDegradationTypes>& type_table() {
#define RIRF_TYPE_INFO(name, Factors) \
  TypeInfo { DegradationType::name, #name, degradations::traits(std::in_place_type<Factors>) }
  static const std::array<TypeInfo, kNumDegradationTypes> table = {RIRF_DEGRADATIONS(RIRF_TYPE_INFO, RIRF_COMMA)};
#undef RIRF_TYPE_INFO
  return table;
}

const TypeInfo& info(DegradationType type) { return type_table()[static_cast<int>(type)]; }

double interpolate(const std::vector<std::pair<double, double>>& anchors, double x, bool forward) {
  // forward: factor -> severity; otherwise severity -> factor.
  const auto at = [&](std::size_t i) { return forward ? anchors[i] : std::make_pair(anchors[i].second, anchors[i].first); };
  if (x <= at(0).first) return at(0).second;
  for (std::size_t i = 1; i < anchors.size(); ++i) {
    const auto [x0, y0] = at(i - 1);
    const auto [x1, y1] = at(i);
    if (x <= x1) return y0 + (y1 - y0) * (x - x0) / (x1 - x0);
  }
  return at(anchors.size() - 1).second;
}

}  // namespace

const std::array<DegradationType, kNumDegradationTypes>& all_degradation_types() {
#define RIRF_TYPE(name, Factors) DegradationType::name
  static const std::array<DegradationType, kNumDegradationTypes> types = {RIRF_DEGRADATIONS(RIRF_TYPE, RIRF_COMMA)};
#undef RIRF_TYPE
  return types;
}

const char* type_name(DegradationType type) { return info(type).name; }

DegradationType type_from_name(const std::string& name) {
  std::string valid;
  for (const auto& entry : type_table()) {
    if (name == entry.name) return entry.type;
    valid += (valid.empty() ? "" : ", ") + std::string(entry.name);
  }
  throw Error("unknown degradation type '" + name + "' (valid: " + valid + ")");
}

int physical_order(DegradationType type) { return info(type).traits.physical_order; }

SeverityLevel level_from_severity(double severity) {
  if (severity < 5) return SeverityLevel::none;
  if (severity < 30) return SeverityLevel::mild;
  if (severity < 55) return SeverityLevel::moderate;
  if (severity < 80) return SeverityLevel::severe;
  return SeverityLevel::extreme;
}

const char* level_name(SeverityLevel level) {
  static const char* const names[] = {"none", "mild", "moderate", "severe", "extreme"};
  return names[static_cast<int>(level)];
}

const char* main_factor_name(DegradationType type) { return info(type).traits.main_factor; }

double severity_from_factor(DegradationType type, double factor) {
  const auto& traits = info(type).traits;
  if (traits.complement > 0) factor = traits.complement - factor;
  return std::clamp(interpolate(traits.anchors, factor, true), 0.0, 100.0);
}

double factor_from_severity(DegradationType type, double severity) {
  const auto& traits = info(type).traits;
  const double factor = interpolate(traits.anchors, std::clamp(severity, 0.0, 100.0), false);
  return traits.complement > 0 ? traits.complement - factor : factor;
}

std::string describe_main_factor(DegradationType type, double factor) {
  const auto& traits = info(type).traits;
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, traits.in_words, traits.words_scale * factor);
  return buffer;
}

}  // namespace rirf
