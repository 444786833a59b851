// JPEG's factor: the libjpeg quality, 1-100. Severity falls as the quality rises, so the scale's
// anchors are on 100 - quality.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

#include "degradations/factors.hpp"
#include "types/validation.hpp"

namespace rirf::degradations {

TypeTraits traits(std::in_place_type_t<JpegFactors>) {
  TypeTraits t;
  t.physical_order = 5;
  t.main_factor = "quality";
  t.anchors = {{0, 0}, {10, 10}, {30, 30}, {50, 45}, {70, 60}, {85, 80}, {95, 100}};
  t.complement = 100.0;
  t.in_words = "JPEG quality about %.0f";
  return t;
}

double main_factor(const JpegFactors& f) { return f.quality; }

void validate(const JpegFactors& f, const std::string& prefix) {
  detail::check_range(prefix + "quality", f.quality, 1, 100);
}

nlohmann::json to_json(const JpegFactors& f) { return {{"quality", f.quality}}; }

void read(JpegFactors& f, FieldReader& r, std::uint64_t /*seed*/) {
  const double q = r.required_number("quality");
  check(q == std::floor(q) && q >= 1 && q <= 100, r.path() + ".quality: must be an integer in [1, 100]");
  f.quality = static_cast<int>(q);
}

void sample(JpegFactors& f, double factor, double /*severity*/, Rng& /*rng*/, std::uint64_t /*seed*/) {
  f.quality = std::clamp(static_cast<int>(std::lround(factor)), 1, 100);
}

}  // namespace rirf::degradations
