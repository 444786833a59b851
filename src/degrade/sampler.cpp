// Sampling plans: a step of one type at a severity (the main factor from the severity scale, the
// others drawn as the type's factors.cpp says), and composite plans of 1-3 types in physical order.
#include <algorithm>
#include <cmath>

#include "degradations/factors.hpp"
#include "rirf/degrade.hpp"
#include "rirf/error.hpp"
#include "types/validation.hpp"

namespace rirf {
namespace {

std::string num(double v) { return detail::format_number(v); }

}  // namespace

DegradationStep make_step(DegradationType type, double severity, Rng& rng) {
  check(std::isfinite(severity) && severity >= 0 && severity <= 100,
        "severity: must be in [0, 100], got " + num(severity));
  const double factor = factor_from_severity(type, severity);
  DegradationStep step;
  step.type = type;
  step.seed = rng.fork();
  step.factors = degradations::default_factors(type);
  std::visit([&](auto& f) { degradations::sample(f, factor, severity, rng, step.seed); }, step.factors);
  return step;
}

void SampleOptions::validate() const {
  check(!types.empty(), "sample: no degradation types allowed");
  check(min_count >= 1 && max_count >= min_count && max_count <= kNumDegradationTypes,
        "sample: count range [" + std::to_string(min_count) + ", " + std::to_string(max_count) + "] is invalid");
  check(min_severity >= 0 && max_severity <= 100 && min_severity <= max_severity,
        "sample: severity range [" + num(min_severity) + ", " + num(max_severity) + "] is invalid");
  check(clean_probability >= 0 && clean_probability <= 1,
        "sample: clean_probability must be in [0, 1], got " + num(clean_probability));
  validate_type_weights(type_weights);
}

void validate_type_weights(const std::array<double, kNumDegradationTypes>& weights) {
  for (auto type : all_degradation_types()) {
    const double w = weights[static_cast<int>(type)];
    check(std::isfinite(w) && w >= 0 && w <= 1000,
          std::string("sample: weight of ") + type_name(type) + " must be in [0, 1000], got " + num(w));
  }
  check(std::any_of(weights.begin(), weights.end(), [](double w) { return w > 0; }),
        "sample: at least one type needs a positive weight");
}

DegradationPlan sample_plan(const SampleOptions& options, Rng& rng) {
  options.validate();
  DegradationPlan plan;
  if (rng.bernoulli(options.clean_probability)) return plan;
  std::vector<DegradationType> pool = options.types;
  std::sort(pool.begin(), pool.end());
  pool.erase(std::unique(pool.begin(), pool.end()), pool.end());
  const auto count = std::min<std::int64_t>(rng.integer(options.min_count, options.max_count),
                                            static_cast<std::int64_t>(pool.size()));
  const auto weight = [&](DegradationType t) { return options.type_weights[static_cast<int>(t)]; };
  const bool uniform = std::all_of(pool.begin(), pool.end(), [&](auto t) { return weight(t) == weight(pool[0]) && weight(t) > 0; });
  for (std::int64_t i = 0; i < count; ++i) {  // partial Fisher-Yates: `count` distinct types
    auto j = i;
    if (uniform) {
      j = rng.integer(i, static_cast<std::int64_t>(pool.size()) - 1);
    } else {  // the next type in proportion to its weight among those left
      double left = 0;
      for (auto k = i; k < static_cast<std::int64_t>(pool.size()); ++k) left += weight(pool[k]);
      if (left <= 0) break;  // only zero-weight types remain
      double u = rng.uniform(0.0, left);
      for (j = i; j + 1 < static_cast<std::int64_t>(pool.size()) && u >= weight(pool[j]); ++j) u -= weight(pool[j]);
      while (weight(pool[j]) <= 0 && j > i) --j;  // rounding ran past the last weighted type
    }
    std::swap(pool[i], pool[j]);
    plan.steps.push_back(make_step(pool[i], rng.uniform(options.min_severity, options.max_severity), rng));
  }
  sort_physically(plan);
  return plan;
}

void sort_physically(DegradationPlan& plan) {
  std::stable_sort(plan.steps.begin(), plan.steps.end(),
                   [](const auto& a, const auto& b) { return physical_order(a.type) < physical_order(b.type); });
}

}  // namespace rirf
