// The trainers' options: their shared run fields (TrainRunOptions) with each trainer's own
// schedule defaults, one set of checks, and one config.json layout, which from_json reads back.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <type_traits>

#include "rirf/error.hpp"
#include "rirf/file_io.hpp"
#include "rirf/train.hpp"

namespace rirf {
namespace {

template <class Options>
Options runnable() {
  Options o;
  o.data_dirs = {"photos"};
  o.out_dir = "run";
  return o;
}

// The message `validate` throws, or "" when it accepts the options.
template <class Options>
std::string rejection(const Options& o) {
  try {
    o.validate();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(TrainOptions, EachTrainerKeepsItsOwnScheduleDefaults) {
  const ReasonerTrainOptions reasoner;
  EXPECT_EQ(reasoner.steps, 6000);
  EXPECT_EQ(reasoner.batch, 24);
  EXPECT_EQ(reasoner.crop, 128);
  EXPECT_DOUBLE_EQ(reasoner.lr, 2e-3);
  EXPECT_EQ(reasoner.val_every, 500);
  const RestorerTrainOptions restorer;
  EXPECT_EQ(restorer.steps, 20000);
  EXPECT_EQ(restorer.batch, 8);
  EXPECT_EQ(restorer.crop, 96);
  EXPECT_EQ(restorer.warmup, 300);
  EXPECT_EQ(restorer.val_every, 1000);
  const RlTrainOptions rl;
  EXPECT_EQ(rl.steps, 1000);
  EXPECT_EQ(rl.batch, 4);
  EXPECT_DOUBLE_EQ(rl.lr, 2e-5);
  EXPECT_DOUBLE_EQ(rl.weight_decay, 0.0);
  EXPECT_EQ(rl.checkpoint_every, 100);
  // The fields every run shares start the same everywhere.
  EXPECT_EQ(reasoner.seed, 1u);
  EXPECT_EQ(restorer.log_every, rl.log_every);
  EXPECT_FALSE(rl.resume);
}

TEST(TrainOptions, SharedChecksNameTheField) {
  auto reasoner = runnable<ReasonerTrainOptions>();
  EXPECT_EQ(rejection(reasoner), "");
  reasoner.crop = 100;
  EXPECT_EQ(rejection(reasoner), "crop: must be a multiple of 8 in [32, 1024]");

  auto restorer = runnable<RestorerTrainOptions>();
  restorer.blind = true;
  EXPECT_EQ(rejection(restorer), "");
  restorer.data_dirs.clear();
  EXPECT_EQ(rejection(restorer), "data_dirs: not given: at least one folder of photos");

  auto rl = runnable<RlTrainOptions>();
  rl.restorer = "r.safetensors";
  rl.reasoner = "d.safetensors";
  EXPECT_EQ(rejection(rl), "");
  rl.batch = 0;
  EXPECT_EQ(rejection(rl), "batch: must be in [1, 4096]");
  rl.batch = 4;
  rl.val_every = 0;
  EXPECT_EQ(rejection(rl), "val_every: must be positive");
  try {
    rl.validate();
  } catch (const OptionError& e) {
    EXPECT_EQ(e.field(), "val_every");  // the CLI names it --val-every
  }
  rl.val_every = 250;
  rl.distributed.rank = 2;  // outside a world of one
  EXPECT_NE(rejection(rl).find("rank 2"), std::string::npos);
}

TEST(TrainOptions, ConfigHoldsTheSharedFieldsBesideTheTrainersOwn) {
  auto restorer = runnable<RestorerTrainOptions>();
  restorer.reasoner = "d.safetensors";
  restorer.steps = 77;
  restorer.exclude = {"a.png"};
  restorer.compute.data_workers = 2;
  const nlohmann::json config = restorer.to_json();
  EXPECT_EQ(config.at("steps"), 77);
  EXPECT_EQ(config.at("data_dirs"), nlohmann::json::array({"photos"}));
  EXPECT_EQ(config.at("exclude"), nlohmann::json::array({"a.png"}));
  EXPECT_EQ(config.at("compute").at("data_workers"), 2);
  EXPECT_EQ(config.at("distributed").at("world_size"), 1);
  EXPECT_EQ(config.at("reasoner"), "d.safetensors");
  EXPECT_EQ(config.at("condition_view"), 256);

  const nlohmann::json reasoner = runnable<ReasonerTrainOptions>().to_json();
  EXPECT_EQ(reasoner.at("batch"), 24);
  EXPECT_EQ(reasoner.at("zoom_out"), 1.0);
  EXPECT_EQ(runnable<RlTrainOptions>().to_json().at("lr"), 2e-5);
}

// The OptionError `from_json` throws, as "field: problem", or "" when it reads the config.
template <class Options>
std::string reading_error(const nlohmann::json& config) {
  try {
    Options::from_json(config);
  } catch (const OptionError& e) {
    return e.field() + ": " + e.problem();
  }
  return "";
}

// Options with a value other than its default in the fields of every kind (lists, nested,
// type weights, 64-bit seeds), so that a field lost on the way back shows.
template <class Options>
Options unusual() {
  Options o = runnable<Options>();
  o.val_dir = "val";
  o.exclude = {"a.png", "b.png"};
  o.steps = 77;
  o.lr = 3.25e-4;
  o.seed = 18446744073709551615ull;
  o.threads = 3;
  o.compute.device = "cuda:1";
  o.compute.minutes = 7.5;
  o.distributed.world_size = 4;
  o.distributed.master_addr = "node7";
  o.distributed.master_port = 1234;
  o.type_weights[2] = 2.5;
  o.haze_context = 640;
  return o;
}

template <class Options>
void expect_round_trip(const Options& o) {
  const std::string written = o.to_json().dump(2);
  EXPECT_EQ(Options::from_json(o.to_json()).to_json().dump(2), written);
}

TEST(TrainOptions, ConfigReadsBackToTheSameOptions) {
  auto reasoner = unusual<ReasonerTrainOptions>();
  reasoner.init = "d.safetensors";
  reasoner.zoom_out = 1.5;
  reasoner.whole_image_max = 512;
  expect_round_trip(reasoner);
  EXPECT_EQ(ReasonerTrainOptions::from_json(reasoner.to_json()).compute.device, "cuda:1");
  EXPECT_EQ(ReasonerTrainOptions::from_json(reasoner.to_json()).distributed.master_port, 1234);

  auto restorer = unusual<RestorerTrainOptions>();
  restorer.blind = true;
  restorer.encoder_blocks = {1, 2, 3};
  restorer.single_probability = 0.25;
  restorer.condition_view = 0;
  restorer.false_call_probability = 0.5;
  expect_round_trip(restorer);
  EXPECT_EQ(RestorerTrainOptions::from_json(restorer.to_json()).encoder_blocks, (std::vector<int>{1, 2, 3}));

  auto rl = unusual<RlTrainOptions>();
  rl.explore = "film";
  rl.mirrored = true;
  rl.explore_on = {"haze", "rain"};
  rl.kl = 0.125;
  expect_round_trip(rl);
  EXPECT_EQ(RlTrainOptions::from_json(rl.to_json()).seed, 18446744073709551615ull);
  EXPECT_EQ(RlTrainOptions::from_json(rl.to_json()).type_weights[2], 2.5);
  // The rank is the launch's, never the file's.
  EXPECT_EQ(RlTrainOptions::from_json(rl.to_json()).distributed.rank, 0);
}

TEST(TrainOptions, ASamplingFieldIsDeclaredOnceForBothRestorerTrainers) {
  static_assert(std::is_base_of_v<PairSamplingOptions, RestorerTrainOptions>);
  static_assert(std::is_base_of_v<PairSamplingOptions, RlTrainOptions>);
  auto rl = runnable<RlTrainOptions>();
  rl.restorer = rl.reasoner = "w.safetensors";
  rl.condition_view = 4096;
  EXPECT_EQ(rejection(rl), "condition_view: must be in [0, 2048] px");
  auto restorer = runnable<RestorerTrainOptions>();
  restorer.blind = true;
  restorer.single_probability = 2;
  EXPECT_EQ(rejection(restorer), "single_probability: must be in [0, 1]");
}

TEST(TrainOptions, AConfigKeyThatIsNoOptionIsRefusedByName) {
  nlohmann::json config = runnable<RestorerTrainOptions>().to_json();
  config["colour"] = "red";
  EXPECT_EQ(reading_error<RestorerTrainOptions>(config), "colour: unknown key (not an option of this trainer)");
  config.erase("colour");
  config["compute"]["gpus"] = 2;
  EXPECT_EQ(reading_error<RestorerTrainOptions>(config), "compute.gpus: unknown key (not an option of this trainer)");
  config["compute"].erase("gpus");
  config["type_weights"]["smoke"] = 1;
  EXPECT_EQ(reading_error<RestorerTrainOptions>(config), "type_weights.smoke: not a degradation type");
  // Another trainer's option is not this one's.
  EXPECT_EQ(reading_error<ReasonerTrainOptions>(runnable<RlTrainOptions>().to_json()),
            "atoms: unknown key (not an option of this trainer)");
  // What a trainer records about its network is no option, and is skipped.
  config = runnable<RestorerTrainOptions>().to_json();
  config["model"] = {{"width", 16}};
  config["parameters"] = 466707;
  EXPECT_EQ(reading_error<RestorerTrainOptions>(config), "");
}

TEST(TrainOptions, AConfigValueOfTheWrongTypeIsRefusedByField) {
  const nlohmann::json config = runnable<ReasonerTrainOptions>().to_json();
  const auto with = [&](const nlohmann::json::json_pointer& field, const nlohmann::json& value) {
    nlohmann::json changed = config;
    changed[field] = value;
    return reading_error<ReasonerTrainOptions>(changed);
  };
  EXPECT_EQ(with("/steps"_json_pointer, "many"), "steps: must be an integer, got \"many\"");
  EXPECT_EQ(with("/steps"_json_pointer, 2.5), "steps: must be an integer, got 2.5");
  EXPECT_EQ(with("/steps"_json_pointer, 1e12), "steps: must be an integer, got 1000000000000.0");
  EXPECT_EQ(with("/seed"_json_pointer, -1), "seed: must be an integer >= 0, got -1");
  EXPECT_EQ(with("/lr"_json_pointer, "fast"), "lr: must be a number, got \"fast\"");
  EXPECT_EQ(with("/data_dirs"_json_pointer, "photos"), "data_dirs: must be an array, got \"photos\"");
  EXPECT_EQ(with("/data_dirs/1"_json_pointer, 3), "data_dirs[1]: must be a string, got 3");
  EXPECT_EQ(with("/compute/device"_json_pointer, nullptr), "compute.device: must be a string, got null");
  EXPECT_EQ(with("/type_weights/noise"_json_pointer, "3"), "type_weights.noise: must be a number, got \"3\"");
  EXPECT_EQ(reading_error<ReasonerTrainOptions>(nlohmann::json::array()), "config: must be an object, got []");
  // A key the file lacks keeps its default (a run written before the option existed).
  nlohmann::json old = config;
  old.erase("whole_image_max");
  EXPECT_EQ(ReasonerTrainOptions::from_json(old).whole_image_max, 768);
}

// Every run config the notebook keeps (docs/notebook/runs) still loads, and one written by
// today's trainers comes back byte for byte, so config.json's form has not changed.
TEST(TrainOptions, TheNotebooksRunConfigsLoad) {
  int loaded = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(RIRF_SOURCE_DIR) + "/docs/notebook/runs")) {
    const std::string name = entry.path().filename().string();
    if (name.find("config") == std::string::npos || entry.path().extension() != ".json") continue;
    SCOPED_TRACE(name);
    const nlohmann::json config = nlohmann::json::parse(read_file_text(entry.path().string()));
    if (config.at("model") == "DiagNet")
      EXPECT_NO_THROW(ReasonerTrainOptions::from_json(config));
    else if (config.contains("group"))
      EXPECT_NO_THROW(RlTrainOptions::from_json(config));
    else
      EXPECT_NO_THROW(RestorerTrainOptions::from_json(config));
    ++loaded;
  }
  EXPECT_GE(loaded, 60);

  const auto rewritten = [](auto options, const std::string& file) {
    const std::string text = read_file_text(std::string(RIRF_SOURCE_DIR) + "/docs/notebook/runs/" + file);
    const nlohmann::json config = nlohmann::json::parse(text);
    nlohmann::json again = decltype(options)::from_json(config).to_json();
    again["model"] = config["model"];
    again["parameters"] = config["parameters"];
    EXPECT_EQ(again.dump(2) + "\n", text) << file;
  };
  rewritten(ReasonerTrainOptions(), "reasoner-v21-config.json");
  rewritten(RestorerTrainOptions(), "restorer-false-calls-control.config.json");
  // Written before ComputeOptions: its device, data_workers and minutes were top-level keys.
  const nlohmann::json legacy = nlohmann::json::parse(
      read_file_text(std::string(RIRF_SOURCE_DIR) + "/docs/notebook/runs/restorer-gpu-finetune.config.json"));
  EXPECT_EQ(RestorerTrainOptions::from_json(legacy).compute.device, "cuda");
  EXPECT_EQ(RestorerTrainOptions::from_json(legacy).compute.minutes, 7.22);
}

}  // namespace
}  // namespace rirf
