// Plans as data: each step's main factor, and the checks of its factors (ranges, kernels).
#include <algorithm>
#include <cmath>

#include "rirf/error.hpp"
#include "degradations/factors.hpp"
#include "types/validation.hpp"

namespace rirf {
namespace {

std::string num(double v) { return detail::format_number(v); }

}  // namespace

double DegradationStep::main_factor() const {
  return std::visit([](const auto& f) { return degradations::main_factor(f); }, factors);
}

void DegradationStep::validate() const { detail::validate_step(*this, "step."); }

std::string detail::format_number(double v) {
  std::string s = std::to_string(v);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

void detail::check_range(const std::string& field, double v, double lo, double hi) {
  check(std::isfinite(v) && v >= lo && v <= hi,
        field + ": must be in [" + num(lo) + ", " + num(hi) + "], got " + num(v));
}

void detail::validate_step(const DegradationStep& step, const std::string& prefix) {
  check(static_cast<int>(step.factors.index()) == static_cast<int>(step.type),
        prefix + "factors: do not match type '" + type_name(step.type) + "'");
  std::visit([&](const auto& f) { degradations::validate(f, prefix + "factors."); }, step.factors);
}

void DegradationPlan::validate() const {
  check(steps.size() <= static_cast<std::size_t>(kNumDegradationTypes), "plan: too many steps");
  for (std::size_t i = 0; i < steps.size(); ++i) {
    detail::validate_step(steps[i], "plan.steps[" + std::to_string(i) + "].");
    for (std::size_t j = 0; j < i; ++j)
      check(steps[j].type != steps[i].type,
            "plan.steps[" + std::to_string(i) + "].type: '" + type_name(steps[i].type) + "' appears twice");
  }
}

DegradationFactors degradations::default_factors(DegradationType type) {
#define RIRF_DEFAULT_FACTORS(name, Factors) \
  case DegradationType::name: return Factors{};
  switch (type) { RIRF_DEGRADATIONS(RIRF_DEFAULT_FACTORS, ) }
#undef RIRF_DEFAULT_FACTORS
  throw Error("unknown degradation type");
}

bool DegradationPlan::has(DegradationType type) const {
  return std::any_of(steps.begin(), steps.end(), [&](const auto& s) { return s.type == type; });
}

}  // namespace rirf
