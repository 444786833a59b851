// Blur's factors: the kind (gaussian, defocus, motion), the extent (the main factor: twice the
// kernel's RMS radius, the same meaning for every kind), the motion angle, and the kernel itself
// (kernel.cpp beside this file makes it from the others).
#include <nlohmann/json.hpp>

#include <cmath>

#include "degradations/factors.hpp"
#include "types/validation.hpp"

namespace rirf {

const char* blur_kind_name(BlurKind kind) {
  static const char* const names[] = {"gaussian", "defocus", "motion"};
  return names[static_cast<int>(kind)];
}

namespace degradations {
namespace {

BlurKind blur_kind_from_name(const std::string& name, const std::string& path) {
  for (BlurKind kind : {BlurKind::gaussian, BlurKind::defocus, BlurKind::motion})
    if (name == blur_kind_name(kind)) return kind;
  throw Error(path + ": unknown blur kind '" + name + "' (valid: gaussian, defocus, motion)");
}

std::vector<float> read_kernel(const nlohmann::json& rows, const std::string& path, int& size) {
  check(rows.is_array() && !rows.empty(), path + ": must be a non-empty array of rows");
  size = static_cast<int>(rows.size());
  std::vector<float> kernel;
  for (const nlohmann::json& row : rows) {
    check(row.is_array() && static_cast<int>(row.size()) == size, path + ": must be square");
    for (const nlohmann::json& v : row) {
      check(v.is_number(), path + ": values must be numbers");
      kernel.push_back(v.get<float>());
    }
  }
  return kernel;
}

}  // namespace

TypeTraits traits(std::in_place_type_t<BlurFactors>) {
  TypeTraits t;
  t.physical_order = 2;
  t.main_factor = "extent_px";
  t.anchors = {{0, 0}, {1, 10}, {2, 25}, {4, 50}, {8, 75}, {16, 100}};
  t.in_words = "blur extent %.1f px";
  return t;
}

double main_factor(const BlurFactors& f) { return f.extent_px; }

void validate(const BlurFactors& f, const std::string& prefix) {
  detail::check_range(prefix + "extent_px", f.extent_px, 0, 40);
  check(std::isfinite(f.angle_deg), prefix + "angle_deg: must be a number");
  if (f.kernel.empty()) return;
  check(
      f.kernel_size % 2 == 1 && f.kernel_size <= 151 &&
          static_cast<int>(f.kernel.size()) == f.kernel_size * f.kernel_size,
      prefix + "kernel: must be an odd square of at most 151x151, got " + std::to_string(f.kernel.size()) + " values");
  double sum = 0;
  for (float v : f.kernel) {
    check(std::isfinite(v) && v >= 0, prefix + "kernel: values must be finite and >= 0");
    sum += v;
  }
  check(std::abs(sum - 1.0) < 1e-3, prefix + "kernel: must sum to 1, sums to " + detail::format_number(sum));
}

nlohmann::json to_json(const BlurFactors& f) {
  nlohmann::json out = {{"kind", blur_kind_name(f.kind)}, {"extent_px", f.extent_px}, {"angle_deg", f.angle_deg}};
  if (f.kernel.empty() || static_cast<int>(f.kernel.size()) != f.kernel_size * f.kernel_size) return out;
  nlohmann::json rows = nlohmann::json::array();
  for (int y = 0; y < f.kernel_size; ++y)
    rows.push_back(
        std::vector<float>(f.kernel.begin() + y * f.kernel_size, f.kernel.begin() + (y + 1) * f.kernel_size));
  out["kernel"] = rows;
  return out;
}

void read(BlurFactors& f, FieldReader& r, std::uint64_t seed) {
  const std::string& path = r.path();
  f.kind = blur_kind_from_name(r.string("kind", "gaussian"), path + ".kind");
  f.angle_deg = r.number("angle_deg", 0.0);
  if (const nlohmann::json* rows = r.raw("kernel")) {
    r.ignore("extent_px");  // measured from the kernel
    f.kernel = read_kernel(*rows, path + ".kernel", f.kernel_size);
    f.extent_px = 0;
    validate(f, path + ".");
    f.extent_px = kernel_extent(f.kernel, f.kernel_size);
  } else {
    f.extent_px = r.required_number("extent_px");
    check(f.extent_px >= 0 && f.extent_px <= 40, path + ".extent_px: must be in [0, 40]");
    generate_blur_kernel(f, seed);
  }
}

void sample(BlurFactors& f, double factor, double /*severity*/, Rng& rng, std::uint64_t seed) {
  const double pick = rng.uniform();
  f.kind = pick < 0.4 ? BlurKind::motion : (pick < 0.7 ? BlurKind::defocus : BlurKind::gaussian);
  f.extent_px = factor;
  f.angle_deg = f.kind == BlurKind::motion ? rng.uniform(0, 180) : 0.0;
  generate_blur_kernel(f, seed);
}

}  // namespace degradations
}  // namespace rirf
