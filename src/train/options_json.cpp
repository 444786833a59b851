// The trainers' options as JSON, the form of a run's config.json: one field list per options
// struct, which to_json (writing config.json) and from_json (`rirf train ... --config`) both walk,
// so that a field is named once. The file stays flat: a trainer's own fields sit beside the run's.
#include <algorithm>
#include <limits>
#include <set>
#include <string>
#include <type_traits>

#include "rirf/error.hpp"
#include "rirf/train.hpp"

namespace rirf {
namespace {

using TypeWeights = std::array<double, kNumDegradationTypes>;

// The field lists. Each takes the options const (writing) or not (reading).

template <class Compute, class Field>
void compute_fields(Compute& o, Field& field) {
  field("device", o.device);
  field("data_workers", o.data_workers);
  field("minutes", o.minutes);
}

template <class Run, class Field>
void run_fields(Run& o, Field& field) {
  field("data_dirs", o.data_dirs);
  field("val_dir", o.val_dir);
  field("out_dir", o.out_dir);
  field("exclude", o.exclude);
  field("steps", o.steps);
  field("batch", o.batch);
  field("crop", o.crop);
  field("lr", o.lr);
  field("weight_decay", o.weight_decay);
  field("warmup", o.warmup);
  field("log_every", o.log_every);
  field("val_every", o.val_every);
  field("checkpoint_every", o.checkpoint_every);
  field("seed", o.seed);
  field("threads", o.threads);
  field("compute", o.compute);
  field("distributed", o.distributed);
}

template <class Sampling, class Field>
void sampling_fields(Sampling& o, Field& field) {
  field("clean_probability", o.clean_probability);
  field("single_probability", o.single_probability);
  field("type_weights", o.type_weights);
  field("haze_context", o.haze_context);
  field("condition_view", o.condition_view);
}

template <class Reasoner, class Field>
void reasoner_fields(Reasoner& o, Field& field) {
  run_fields(o, field);
  field("init", o.init);
  field("clean_probability", o.clean_probability);
  field("type_weights", o.type_weights);
  field("zoom_out", o.zoom_out);
  field("haze_context", o.haze_context);
  field("camera_probability", o.camera_probability);
  field("whole_image_probability", o.whole_image_probability);
  field("whole_image_max", o.whole_image_max);
}

template <class Restorer, class Field>
void restorer_fields(Restorer& o, Field& field) {
  run_fields(o, field);
  sampling_fields(o, field);
  field("reasoner", o.reasoner);
  field("blind", o.blind);
  field("init", o.init);
  field("width", o.width);
  field("encoder_blocks", o.encoder_blocks);
  field("middle_blocks", o.middle_blocks);
  field("decoder_blocks", o.decoder_blocks);
  field("ema_decay", o.ema_decay);
  field("val_crop", o.val_crop);
  field("keep_probability", o.keep_probability);
  field("loss", o.loss);
  field("false_call_probability", o.false_call_probability);
}

template <class Rl, class Field>
void rl_fields(Rl& o, Field& field) {
  run_fields(o, field);
  sampling_fields(o, field);
  field("restorer", o.restorer);
  field("reasoner", o.reasoner);
  field("group", o.group);
  field("explore", o.explore);
  field("atoms", o.atoms);
  field("mirrored", o.mirrored);
  field("explore_on", o.explore_on);
  field("sigma", o.sigma);
  field("epochs", o.epochs);
  field("clip", o.clip);
  field("kl", o.kl);
  field("supervised", o.supervised);
  field("loss", o.loss);
  field("fidelity", o.fidelity);
  field("min_spread", o.min_spread);
  field("ema_decay", o.ema_decay);
  field("val_crop", o.val_crop);
}

nlohmann::json type_weights_json(const TypeWeights& weights) {
  nlohmann::json j = nlohmann::json::object();
  for (auto type : all_degradation_types()) j[type_name(type)] = weights[static_cast<int>(type)];
  return j;
}

// Writes each field into a JSON object.
struct ConfigWriter {
  nlohmann::json& out;
  template <class T>
  void operator()(const char* key, const T& value) {
    out[key] = value;
  }
  void operator()(const char* key, const TypeWeights& weights) { out[key] = type_weights_json(weights); }
  void operator()(const char* key, const ComputeOptions& compute) { out[key] = compute.to_json(); }
  void operator()(const char* key, const DistributedOptions& distributed) { out[key] = distributed.to_json(); }
};

template <class Options, class Fields>
nlohmann::json write_fields(const Options& o, Fields fields) {
  nlohmann::json out = nlohmann::json::object();
  ConfigWriter writer{out};
  fields(o, writer);
  return out;
}

// `name` is the field's path in the file ("steps", "compute.device"), which errors name.
[[noreturn]] void wrong_type(const std::string& name, const char* wanted, const nlohmann::json& value) {
  throw OptionError(name, std::string("must be ") + wanted + ", got " + value.dump());
}

void read_value(const std::string& name, const nlohmann::json& j, bool& value) {
  if (!j.is_boolean()) wrong_type(name, "true or false", j);
  value = j.get<bool>();
}

void read_value(const std::string& name, const nlohmann::json& j, double& value) {
  if (!j.is_number()) wrong_type(name, "a number", j);
  value = j.get<double>();
}

void read_value(const std::string& name, const nlohmann::json& j, std::string& value) {
  if (!j.is_string()) wrong_type(name, "a string", j);
  value = j.get<std::string>();
}

template <class Integer, std::enable_if_t<std::is_integral_v<Integer> && !std::is_same_v<Integer, bool>, int> = 0>
void read_value(const std::string& name, const nlohmann::json& j, Integer& value) {
  using Limits = std::numeric_limits<Integer>;
  bool fits = false;
  if (j.is_number_unsigned()) {
    fits = j.get<std::uint64_t>() <= static_cast<std::uint64_t>(Limits::max());
  } else if (j.is_number_integer()) {  // a negative one, or one set as a signed number
    const std::int64_t v = j.get<std::int64_t>();
    fits = v >= 0 ? static_cast<std::uint64_t>(v) <= static_cast<std::uint64_t>(Limits::max())
                  : Limits::is_signed && v >= static_cast<std::int64_t>(Limits::min());
  }
  if (!fits) wrong_type(name, Limits::is_signed ? "an integer" : "an integer >= 0", j);
  value = j.get<Integer>();
}

template <class T>
void read_value(const std::string& name, const nlohmann::json& j, std::vector<T>& values) {
  if (!j.is_array()) wrong_type(name, "an array", j);
  values.assign(j.size(), T{});
  for (std::size_t i = 0; i < j.size(); ++i) read_value(name + "[" + std::to_string(i) + "]", j[i], values[i]);
}

void read_value(const std::string& name, const nlohmann::json& j, TypeWeights& weights) {
  if (!j.is_object()) wrong_type(name, "an object of type: weight", j);
  const auto& known = all_degradation_types();
  for (const auto& [type, weight] : j.items()) {
    const auto found =
        std::find_if(known.begin(), known.end(), [&](DegradationType t) { return type_name(t) == type; });
    if (found == known.end()) throw OptionError(name + "." + type, "not a degradation type");
    read_value(name + "." + type, weight, weights[static_cast<int>(*found)]);
  }
}

template <class Options, class Fields>
void read_fields(const std::string& prefix, const nlohmann::json& j, Options& o, Fields fields,
                 const std::set<std::string>& ignored = {});

void read_value(const std::string& name, const nlohmann::json& j, ComputeOptions& compute) {
  read_fields(name + ".", j, compute, [](auto& o, auto& field) { compute_fields(o, field); });
}

// As DistributedOptions::to_json writes it; the rank is never in a file.
void read_value(const std::string& name, const nlohmann::json& j, DistributedOptions& distributed) {
  std::string master = distributed.master_addr + ":" + std::to_string(distributed.master_port);
  read_fields(name + ".", j, distributed, [&master](auto& o, auto& field) {
    field("world_size", o.world_size);
    field("master", master);
    field("timeout_s", o.timeout_s);
    field("local_world_size", o.local_world_size);
  });
  set_master(distributed, master);  // an Error naming the master and what is wrong with it
}

// Reads the fields present in `j` and refuses a key that is none of them (nor in `ignored`).
struct ConfigReader {
  const std::string& prefix;
  const nlohmann::json& j;
  std::set<std::string>& known;
  template <class T>
  void operator()(const char* key, T& value) {
    known.insert(key);
    if (const auto it = j.find(key); it != j.end()) read_value(prefix + key, *it, value);
  }
};

template <class Options, class Fields>
void read_fields(const std::string& prefix, const nlohmann::json& j, Options& o, Fields fields,
                 const std::set<std::string>& ignored) {
  if (!j.is_object()) wrong_type(prefix.empty() ? "config" : prefix.substr(0, prefix.size() - 1), "an object", j);
  std::set<std::string> known = ignored;
  ConfigReader reader{prefix, j, known};
  fields(o, reader);
  for (const auto& item : j.items())
    if (!known.count(item.key())) throw OptionError(prefix + item.key(), "unknown key (not an option of this trainer)");
}

// What a trainer adds to its config.json about the network it built: a record, not an option.
const std::set<std::string> kRecordedKeys = {"model", "parameters"};

// Runs written before ComputeOptions had its fields at the top level.
void move_legacy_compute_fields(nlohmann::json& config) {
  if (config.contains("compute")) return;
  for (const char* key : {"device", "data_workers", "minutes"})
    if (const auto it = config.find(key); it != config.end()) {
      config["compute"][key] = *it;
      config.erase(key);
    }
}

template <class Options, class Fields>
Options options_from_json(const nlohmann::json& config, Fields fields) {
  nlohmann::json j = config;
  if (j.is_object()) move_legacy_compute_fields(j);
  Options o;
  read_fields("", j, o, fields, kRecordedKeys);
  return o;
}

}  // namespace

nlohmann::json ComputeOptions::to_json() const {
  return write_fields(*this, [](auto& o, auto& field) { compute_fields(o, field); });
}

nlohmann::json ReasonerTrainOptions::to_json() const {
  return write_fields(*this, [](auto& o, auto& field) { reasoner_fields(o, field); });
}

ReasonerTrainOptions ReasonerTrainOptions::from_json(const nlohmann::json& config) {
  return options_from_json<ReasonerTrainOptions>(config, [](auto& o, auto& field) { reasoner_fields(o, field); });
}

nlohmann::json RestorerTrainOptions::to_json() const {
  return write_fields(*this, [](auto& o, auto& field) { restorer_fields(o, field); });
}

RestorerTrainOptions RestorerTrainOptions::from_json(const nlohmann::json& config) {
  return options_from_json<RestorerTrainOptions>(config, [](auto& o, auto& field) { restorer_fields(o, field); });
}

nlohmann::json RlTrainOptions::to_json() const {
  return write_fields(*this, [](auto& o, auto& field) { rl_fields(o, field); });
}

RlTrainOptions RlTrainOptions::from_json(const nlohmann::json& config) {
  return options_from_json<RlTrainOptions>(config, [](auto& o, auto& field) { rl_fields(o, field); });
}

}  // namespace rirf
