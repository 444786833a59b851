// Name tables and the severity scale. See include/rirf/degradation.hpp and docs/severity.md.
#include "rirf/degradation.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "rirf/error.hpp"

namespace rirf {
namespace {

struct TypeInfo {
  DegradationType type;
  const char* name;
  int physical_order;
  const char* main_factor;
  // (factor, severity) anchors, factor increasing; severity is linear between them.
  std::vector<std::pair<double, double>> anchors;
};

const std::vector<TypeInfo>& type_table() {
  static const std::vector<TypeInfo> table = {
      {DegradationType::noise, "noise", 4, "sigma", {{0, 0}, {5, 12}, {15, 30}, {25, 45}, {50, 75}, {75, 100}}},
      {DegradationType::blur, "blur", 2, "extent_px", {{0, 0}, {1, 10}, {2, 25}, {4, 50}, {8, 75}, {16, 100}}},
      {DegradationType::rain, "rain", 1, "coverage", {{0, 0}, {0.01, 15}, {0.03, 35}, {0.06, 55}, {0.12, 80}, {0.2, 100}}},
      {DegradationType::haze, "haze", 0, "density", {{0, 0}, {0.15, 20}, {0.35, 45}, {0.55, 70}, {0.75, 90}, {0.85, 100}}},
      {DegradationType::low_light, "low_light", 3, "exposure_ev", {{0, 0}, {1, 20}, {2, 40}, {3, 60}, {4, 80}, {5, 100}}},
      // JPEG anchors are on (100 - quality) so that the factor increases with damage.
      {DegradationType::jpeg, "jpeg", 5, "quality", {{0, 0}, {10, 10}, {30, 30}, {50, 45}, {70, 60}, {85, 80}, {95, 100}}},
  };
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
  static const std::array<DegradationType, kNumDegradationTypes> types = {
      DegradationType::noise, DegradationType::blur,      DegradationType::rain,
      DegradationType::haze,  DegradationType::low_light, DegradationType::jpeg};
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

int physical_order(DegradationType type) { return info(type).physical_order; }

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

const char* main_factor_name(DegradationType type) { return info(type).main_factor; }

double severity_from_factor(DegradationType type, double factor) {
  if (type == DegradationType::jpeg) factor = 100.0 - factor;
  return std::clamp(interpolate(info(type).anchors, factor, true), 0.0, 100.0);
}

double factor_from_severity(DegradationType type, double severity) {
  const double factor = interpolate(info(type).anchors, std::clamp(severity, 0.0, 100.0), false);
  return type == DegradationType::jpeg ? 100.0 - factor : factor;
}

}  // namespace rirf
