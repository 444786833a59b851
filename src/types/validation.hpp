// Internal: the checks behind the plan's validate(), shared with the engine's own options.
#pragma once

#include <string>

#include "rirf/plan.hpp"

namespace rirf::detail {

// "0.5", "12", "1e-06": a number as a message shows it (no trailing zeros).
std::string format_number(double v);
// Throws Error "<field>: must be in [lo, hi], got v" unless v is finite and in range.
void check_range(const std::string& field, double v, double lo, double hi);
// Throws Error naming `prefix` + the bad field (e.g. "plan.steps[1].factors.sigma: ...").
void validate_step(const DegradationStep& step, const std::string& prefix);

}  // namespace rirf::detail
