// The vocabulary's side of each degradation: its facts (TypeTraits), its main factor, the checks
// of its factors, their JSON, and how the sampler draws them. One set per row of the degradation
// table, defined in src/degradations/<name>/factors.cpp; the plan, its JSON and the sampler call
// the set a step's factors select.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "rirf/plan.hpp"
#include "rirf/rng.hpp"
#include "types/field_reader.hpp"

namespace rirf::degradations {

struct TypeTraits {
  // Where the type sits in the physical order of application (rirf::physical_order).
  int physical_order = 0;
  const char* main_factor = "";  // the main factor's name in a diagnosis
  // The severity scale: (factor, severity) anchors, factor increasing; linear between them.
  std::vector<std::pair<double, double>> anchors;
  // > 0: the anchors are on (complement - factor), for a factor that falls as the damage grows
  // (JPEG quality).
  double complement = 0;
  // The main factor in words, a printf format of one double (rirf::describe_main_factor), and
  // the scale its value is shown at.
  const char* in_words = "";
  double words_scale = 1;
};

// `sample` sets the main factor to `factor` (from the severity scale) and draws the others from
// `rng`; `seed` is the step's own stream (blur draws its motion trajectory from it). `read` fills
// the factors from a plan's JSON object, naming the path of a bad field.
#define RIRF_DECLARE_FACTOR_RULES(name, Factors)                        \
  TypeTraits traits(std::in_place_type_t<Factors>);                     \
  double main_factor(const Factors& factors);                           \
  void validate(const Factors& factors, const std::string& prefix);     \
  nlohmann::json to_json(const Factors& factors);                       \
  void read(Factors& factors, FieldReader& reader, std::uint64_t seed); \
  void sample(Factors& factors, double factor, double severity, Rng& rng, std::uint64_t seed);
RIRF_DEGRADATIONS(RIRF_DECLARE_FACTOR_RULES, )
#undef RIRF_DECLARE_FACTOR_RULES

// The factors of `type` with their defaults.
DegradationFactors default_factors(DegradationType type);

}  // namespace rirf::degradations
