// The trainers' options: their shared run fields (TrainRunOptions) with each trainer's own
// schedule defaults, one set of checks, and one config.json layout.
#include <gtest/gtest.h>

#include <string>

#include "rirf/error.hpp"
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

}  // namespace
}  // namespace rirf
