// Plan <-> JSON (schema "rirf.plan/1"): every field checked, every error naming its path.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "rirf/error.hpp"
#include "rirf/plan.hpp"
#include "types/validation.hpp"

namespace rirf {
namespace {

using nlohmann::json;

constexpr const char* kPlanSchema = "rirf.plan/1";

// Reads typed fields from one JSON object and names the full path of anything wrong.
class FieldReader {
 public:
  FieldReader(const json& object, std::string path) : object_(object), path_(std::move(path)) {
    check(object_.is_object(), path_ + ": must be an object");
  }
  bool has(const char* key) const { return object_.contains(key); }
  double number(const char* key, double fallback) {
    seen_.insert(key);
    if (!object_.contains(key)) return fallback;
    const json& v = object_.at(key);
    check(v.is_number(), path_ + "." + key + ": must be a number");
    return v.get<double>();
  }
  double required_number(const char* key) {
    check(object_.contains(key), path_ + "." + key + ": missing");
    return number(key, 0);
  }
  bool boolean(const char* key, bool fallback) {
    seen_.insert(key);
    if (!object_.contains(key)) return fallback;
    check(object_.at(key).is_boolean(), path_ + "." + key + ": must be true or false");
    return object_.at(key).get<bool>();
  }
  std::string string(const char* key, const std::string& fallback) {
    seen_.insert(key);
    if (!object_.contains(key)) return fallback;
    check(object_.at(key).is_string(), path_ + "." + key + ": must be a string");
    return object_.at(key).get<std::string>();
  }
  std::array<double, 3> triple(const char* key, const std::array<double, 3>& fallback) {
    seen_.insert(key);
    if (!object_.contains(key)) return fallback;
    const json& v = object_.at(key);
    check(v.is_array() && v.size() == 3 && std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_number(); }),
          path_ + "." + key + ": must be an array of 3 numbers");
    return {v[0].get<double>(), v[1].get<double>(), v[2].get<double>()};
  }
  const json* raw(const char* key) {
    seen_.insert(key);
    return object_.contains(key) ? &object_.at(key) : nullptr;
  }
  void ignore(const char* key) { seen_.insert(key); }
  // Typos must not pass silently.
  void reject_unknown() const {
    for (const auto& item : object_.items())
      check(seen_.count(item.key()) > 0, path_ + "." + item.key() + ": unknown field");
  }
  const std::string& path() const { return path_; }

 private:
  const json& object_;
  std::string path_;
  std::set<std::string> seen_;
};

BlurKind blur_kind_from_name(const std::string& name, const std::string& path) {
  for (BlurKind kind : {BlurKind::gaussian, BlurKind::defocus, BlurKind::motion})
    if (name == blur_kind_name(kind)) return kind;
  throw Error(path + ": unknown blur kind '" + name + "' (valid: gaussian, defocus, motion)");
}

std::vector<float> read_kernel(const json& rows, const std::string& path, int& size) {
  check(rows.is_array() && !rows.empty(), path + ": must be a non-empty array of rows");
  size = static_cast<int>(rows.size());
  std::vector<float> kernel;
  for (const json& row : rows) {
    check(row.is_array() && static_cast<int>(row.size()) == size, path + ": must be square");
    for (const json& v : row) {
      check(v.is_number(), path + ": values must be numbers");
      kernel.push_back(v.get<float>());
    }
  }
  return kernel;
}

DegradationFactors factors_from_json(DegradationType type, const json& object, const std::string& path,
                                     std::uint64_t seed) {
  FieldReader r(object, path);
  DegradationFactors out;
  switch (type) {
    case DegradationType::noise: {
      NoiseFactors f;
      f.sigma = r.required_number("sigma");
      f.signal_dependence = r.number("signal_dependence", f.signal_dependence);
      f.correlation_px = r.number("correlation_px", f.correlation_px);
      f.channel_shared = r.boolean("channel_shared", f.channel_shared);
      out = f;
      break;
    }
    case DegradationType::blur: {
      BlurFactors f;
      f.kind = blur_kind_from_name(r.string("kind", "gaussian"), path + ".kind");
      f.angle_deg = r.number("angle_deg", 0.0);
      if (const json* rows = r.raw("kernel")) {
        r.ignore("extent_px");  // measured from the kernel
        f.kernel = read_kernel(*rows, path + ".kernel", f.kernel_size);
        f.extent_px = 0;
        BlurFactors probe = f;
        detail::validate_step(DegradationStep{DegradationType::blur, probe, seed}, path.substr(0, path.rfind('.') + 1));
        f.extent_px = kernel_extent(f.kernel, f.kernel_size);
      } else {
        f.extent_px = r.required_number("extent_px");
        check(f.extent_px >= 0 && f.extent_px <= 40, path + ".extent_px: must be in [0, 40]");
        generate_blur_kernel(f, seed);
      }
      out = f;
      break;
    }
    case DegradationType::rain: {
      RainFactors f;
      f.coverage = r.required_number("coverage");
      f.length_px = r.number("length_px", f.length_px);
      f.width_px = r.number("width_px", f.width_px);
      f.angle_deg = r.number("angle_deg", f.angle_deg);
      f.brightness = r.number("brightness", f.brightness);
      f.veil = r.number("veil", f.veil);
      const double layers = r.number("layers", f.layers);
      check(layers == std::floor(layers) && layers >= 1 && layers <= 3, path + ".layers: must be 1, 2 or 3");
      f.layers = static_cast<int>(layers);
      out = f;
      break;
    }
    case DegradationType::haze: {
      HazeFactors f;
      f.density = r.required_number("density");
      r.ignore("beta");  // derived from density
      r.ignore("mean_transmission_at_mid_depth");
      f.airlight = r.triple("airlight", f.airlight);
      out = f;
      break;
    }
    case DegradationType::low_light: {
      LowLightFactors f;
      f.exposure_ev = r.required_number("exposure_ev");
      f.gamma = r.number("gamma", f.gamma);
      f.color_gain = r.triple("color_gain", f.color_gain);
      f.shot_noise = r.number("shot_noise", f.shot_noise);
      f.read_noise = r.number("read_noise", f.read_noise);
      out = f;
      break;
    }
    case DegradationType::jpeg: {
      JpegFactors f;
      const double q = r.required_number("quality");
      check(q == std::floor(q) && q >= 1 && q <= 100, path + ".quality: must be an integer in [1, 100]");
      f.quality = static_cast<int>(q);
      out = f;
      break;
    }
  }
  r.reject_unknown();
  return out;
}

}  // namespace

json factors_to_json(const DegradationFactors& factors) {
  struct Writer {
    json operator()(const NoiseFactors& f) const {
      return {{"sigma", f.sigma},
              {"signal_dependence", f.signal_dependence},
              {"correlation_px", f.correlation_px},
              {"channel_shared", f.channel_shared}};
    }
    json operator()(const BlurFactors& f) const {
      json out = {{"kind", blur_kind_name(f.kind)}, {"extent_px", f.extent_px}, {"angle_deg", f.angle_deg}};
      if (f.kernel.empty() || static_cast<int>(f.kernel.size()) != f.kernel_size * f.kernel_size) return out;
      json rows = json::array();
      for (int y = 0; y < f.kernel_size; ++y)
        rows.push_back(std::vector<float>(f.kernel.begin() + y * f.kernel_size, f.kernel.begin() + (y + 1) * f.kernel_size));
      out["kernel"] = rows;
      return out;
    }
    json operator()(const RainFactors& f) const {
      return {{"coverage", f.coverage},     {"length_px", f.length_px}, {"width_px", f.width_px},
              {"angle_deg", f.angle_deg},   {"brightness", f.brightness}, {"veil", f.veil},
              {"layers", f.layers}};
    }
    json operator()(const HazeFactors& f) const {
      return {{"density", f.density},
              {"beta", -2.0 * std::log(1.0 - f.density)},
              {"mean_transmission_at_mid_depth", 1.0 - f.density},
              {"airlight", f.airlight}};
    }
    json operator()(const LowLightFactors& f) const {
      return {{"exposure_ev", f.exposure_ev}, {"gamma", f.gamma},           {"color_gain", f.color_gain},
              {"shot_noise", f.shot_noise},   {"read_noise", f.read_noise}};
    }
    json operator()(const JpegFactors& f) const { return {{"quality", f.quality}}; }
  };
  return std::visit(Writer{}, factors);
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
