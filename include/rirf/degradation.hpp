// The degradation vocabulary shared by the engine, the reasoner and the restorer: the table of
// types, severity levels, and the documented severity scale.
//
// Severity is 0-100 and monotone in each type's main factor. Anchor points were chosen so that
// equal severities mean comparable damage across types: 25 ~ visible on a close look,
// 50 ~ obvious at a glance, 75 ~ much detail lost, 100 ~ the scene is barely recoverable.
// The anchors and the definition of each main factor are in docs/severity.md and in each type's
// src/degradations/<name>/factors.cpp.
#pragma once

#include <array>
#include <string>

namespace rirf {

// The degradation table: one row per type, X(name, factors struct in rirf/plan.hpp). A row's
// position is the type's index everywhere (DegradationType, DegradationFactors, per-type arrays);
// `sep` goes between rows. Everything else a type has lives in its folder,
// src/degradations/<name>/ (CONTRIBUTING.md, "Adding a degradation").
#define RIRF_DEGRADATIONS(X, sep) \
  X(noise, NoiseFactors) sep      \
  X(blur, BlurFactors) sep        \
  X(rain, RainFactors) sep        \
  X(haze, HazeFactors) sep        \
  X(low_light, LowLightFactors) sep \
  X(jpeg, JpegFactors)
#define RIRF_COMMA ,
#define RIRF_DEGRADATION_NAME(name, factors) name
#define RIRF_DEGRADATION_ONE(name, factors) 1

enum class DegradationType { RIRF_DEGRADATIONS(RIRF_DEGRADATION_NAME, RIRF_COMMA) };
constexpr int kNumDegradationTypes = RIRF_DEGRADATIONS(RIRF_DEGRADATION_ONE, +);

const std::array<DegradationType, kNumDegradationTypes>& all_degradation_types();
const char* type_name(DegradationType type);
// Throws rirf::Error naming the bad value and the valid names.
DegradationType type_from_name(const std::string& name);
// Where the type sits in the physical order of application: scene (haze, rain), then camera
// (blur, low light, noise), then encoding (JPEG). Undoing goes in reverse.
int physical_order(DegradationType type);

enum class SeverityLevel { none, mild, moderate, severe, extreme };
// Fixed thresholds: none < 5 <= mild < 30 <= moderate < 55 <= severe < 80 <= extreme.
SeverityLevel level_from_severity(double severity);
const char* level_name(SeverityLevel level);

// The main factor of each type, in its physical unit:
//   noise     sigma at mid-grey, 0-255 scale
//   blur      extent in px: twice the kernel's RMS radius (same meaning for every blur kind)
//   rain      coverage: fraction of the image area under streaks
//   haze      density: 1 - transmission at the depth proxy's mid-range (d = 0.5)
//   low_light exposure reduction in stops (EV)
//   jpeg      quality 1-100 (severity falls as quality rises)
const char* main_factor_name(DegradationType type);
double severity_from_factor(DegradationType type, double factor);
double factor_from_severity(DegradationType type, double severity);
// The main factor in words: "noise sigma 23.4 on the 0-255 scale", "JPEG quality about 40".
std::string describe_main_factor(DegradationType type, double factor);

}  // namespace rirf
