// Plan <-> JSON (schema "rirf.plan/1"): every field checked, every error naming its path. Each
// type reads and writes its own factors (src/degradations/<name>/factors.cpp).
#include <nlohmann/json.hpp>

#include "degradations/factors.hpp"
#include "rirf/error.hpp"
#include "rirf/plan.hpp"
#include "types/field_reader.hpp"

namespace rirf {
namespace {

using nlohmann::json;

constexpr const char* kPlanSchema = "rirf.plan/1";

DegradationFactors factors_from_json(DegradationType type, const json& object, const std::string& path,
                                     std::uint64_t seed) {
  FieldReader r(object, path);
  DegradationFactors out = degradations::default_factors(type);
  std::visit([&](auto& f) { degradations::read(f, r, seed); }, out);
  r.reject_unknown();
  return out;
}

}  // namespace

json factors_to_json(const DegradationFactors& factors) {
  return std::visit([](const auto& f) { return degradations::to_json(f); }, factors);
}

json plan_to_json(const DegradationPlan& plan) {
  json steps = json::array();
  for (const auto& step : plan.steps) {
    const double severity = step.severity();
    steps.push_back({{"type", type_name(step.type)},
                     {"severity", severity},
                     {"level", level_name(level_from_severity(severity))},
                     {"seed", step.seed},
                     {"factors", factors_to_json(step.factors)}});
  }
  return {{"schema", kPlanSchema}, {"steps", steps}};
}

DegradationPlan plan_from_json(const json& document) {
  FieldReader top(document, "plan");
  const std::string schema = top.string("schema", kPlanSchema);
  check(schema == kPlanSchema, "plan.schema: expected '" + std::string(kPlanSchema) + "', got '" + schema + "'");
  top.ignore("diagnosis");  // written beside the plan for readers; derived, never read back
  const json* steps = top.raw("steps");
  check(steps != nullptr && steps->is_array(), "plan.steps: missing or not an array");
  top.reject_unknown();
  DegradationPlan plan;
  for (std::size_t i = 0; i < steps->size(); ++i) {
    const std::string path = "plan.steps[" + std::to_string(i) + "]";
    FieldReader r((*steps)[i], path);
    DegradationStep step;
    step.type = type_from_name(r.string("type", ""));
    const json* seed = r.raw("seed");
    check(seed == nullptr || seed->is_number_unsigned() || (seed->is_number_integer() && seed->get<std::int64_t>() >= 0),
          path + ".seed: must be a non-negative integer");
    step.seed = seed ? seed->get<std::uint64_t>() : 0;
    r.ignore("severity");  // derived from the factors
    r.ignore("level");
    const json* factors = r.raw("factors");
    check(factors != nullptr, path + ".factors: missing");
    step.factors = factors_from_json(step.type, *factors, path + ".factors", step.seed);
    r.reject_unknown();
    plan.steps.push_back(std::move(step));
  }
  plan.validate();
  return plan;
}

}  // namespace rirf
