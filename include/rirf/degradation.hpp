// The degradation vocabulary shared by the engine, the reasoner and the restorer:
// types (one name table), severity levels, and the documented severity scale.
//
// Severity is 0-100 and monotone in each type's main factor. Anchor points were chosen so that
// equal severities mean comparable damage across types: 25 ~ visible on a close look,
// 50 ~ obvious at a glance, 75 ~ much detail lost, 100 ~ the scene is barely recoverable.
// The anchors and the definition of each main factor are in docs/severity.md and severity.cpp.
#pragma once

#include <array>
#include <string>

namespace rirf {

enum class DegradationType { noise, blur, rain, haze, low_light, jpeg };
constexpr int kNumDegradationTypes = 6;

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

}  // namespace rirf
