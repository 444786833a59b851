// Fixed-seed synthetic test suites: the same suite name and image index always give the same
// plan, so benchmark numbers made from them compare across runs, machines and versions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rirf/degrade.hpp"

namespace rirf {

struct SuiteInfo {
  std::string name;
  std::string description;
};

const std::vector<SuiteInfo>& synth_suites();
// Throws Error listing the valid names for an unknown suite.
DegradationPlan suite_plan(const std::string& suite, std::uint64_t image_index);

}  // namespace rirf
