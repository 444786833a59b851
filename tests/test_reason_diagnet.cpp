// DiagNet as a reasoner: any image size, weights loading with clear errors, tiles on the grid,
// and the classical backend's basic sanity.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "nn/module_weights.hpp"
#include "reason/diagnet_model.hpp"
#include "reason/diagnet_weights.hpp"
#include "reason/evidence.hpp"
#include "rirf/degrade.hpp"
#include "rirf/diagnet.hpp"
#include "rirf/error.hpp"
#include "rirf/image_io.hpp"
#include "rirf/safetensors.hpp"
#include "test_util.hpp"

namespace {
namespace fs = std::filesystem;

std::string diagnet_temp_path(const std::string& name) { return rirf::test::temp_path("dn", name); }

std::string random_weights() {
  const std::string path = diagnet_temp_path("random.safetensors");
  torch::manual_seed(0);
  rirf::DiagNet net;
  rirf::save_diagnet_weights(net, path, {});
  return path;
}

// A DiagNet with seeded random weights, in eval mode.
rirf::DiagNet seeded_net(int seed) {
  torch::manual_seed(seed);
  rirf::DiagNet net;
  net->eval();
  return net;
}

TEST(DiagNet, InferenceStatisticsMatchTheTrainingOps) {
  // At inference the ReLU and the pooled statistics run as one pass over channels-last maps;
  // with gradients on (training) they are libtorch ops. Both must give the same features.
  rirf::DiagNet net = seeded_net(3);
  for (auto [h, w] : {std::pair<int, int>{2, 3}, {37, 53}, {256, 256}}) {
    const at::Tensor x = at::rand({2, 3, h, w}).contiguous(at::MemoryFormat::ChannelsLast);
    const at::Tensor evidence = at::rand({2, rirf::evidence::kEvidenceSize});
    const at::Tensor training = net->features(x, evidence).detach();
    torch::InferenceMode guard;
    const at::Tensor inference = net->features(x, evidence);
    EXPECT_TRUE(at::allclose(training, inference, 1e-5, 1e-5)) << h << "x" << w << ": max difference "
                                                               << (training - inference).abs().max().item<double>();
  }
}

TEST(DiagNet, DiagnosesAnySize) {
  const auto reasoner = rirf::load_diagnet_reasoner(random_weights());
  for (auto [h, w] : {std::pair<int, int>{7, 9}, {13, 5}, {37, 53}, {300, 517}}) {
    const rirf::Diagnosis d = reasoner->diagnose(at::rand({1, 3, h, w}));
    EXPECT_NO_THROW(d.validate());
    EXPECT_EQ(d.width, w);
    EXPECT_EQ(d.height, h);
    EXPECT_EQ(d.backend, "diagnet");
    EXPECT_GE(d.reasoning.size(), 6u + 3u);
    for (const auto& f : d.findings) EXPECT_TRUE(f.factors.contains(rirf::main_factor_name(f.type)));
  }
  EXPECT_THROW(reasoner->diagnose(at::rand({1, 1, 8, 8})), rirf::Error);
}

// Both backends clamp what they read (tiles, crops, the scene's small copy) instead of copying
// the whole image: out-of-range pixels read as the clamped image, and the caller's tensor stays.
TEST(Reasoners, OutOfRangePixelsReadAsTheClampedImageAndTheInputIsUntouched) {
  torch::manual_seed(3);
  const at::Tensor wild = at::randn({1, 3, 300, 517}) * 0.6 + 0.5;
  const at::Tensor kept = wild.clone();
  const auto diagnet = rirf::load_diagnet_reasoner(random_weights());
  const auto classical = rirf::make_classical_reasoner();
  for (rirf::Reasoner* reasoner : {diagnet.get(), classical.get()}) {
    const auto as_json = [](const rirf::Diagnosis& d) { return rirf::diagnosis_to_json(d).dump(); };
    EXPECT_EQ(as_json(reasoner->diagnose(wild)), as_json(reasoner->diagnose(wild.clamp(0, 1)))) << reasoner->name();
    EXPECT_TRUE(at::equal(wild, kept)) << reasoner->name();
  }
}

TEST(DiagNet, BadWeightsGetClearErrors) {
  const std::string good = random_weights();
  auto file = rirf::load_safetensors(good);
  const auto expect_error = [&](const rirf::TensorFile& f, const std::string& expected) {
    const std::string path = diagnet_temp_path("bad.safetensors");
    rirf::save_safetensors(path, f);
    rirf::test::expect_error_containing([&] { rirf::load_diagnet_reasoner(path); }, expected);
  };
  auto wrong_shape = file;
  wrong_shape.tensors["stem.weight"] = at::zeros({16, 3, 5, 5});
  expect_error(wrong_shape, "tensor 'stem.weight' has shape [16, 3, 5, 5], expected [16, 3, 3, 3]");
  auto missing = file;
  missing.tensors.erase("out.bias");
  expect_error(missing, "tensor 'out.bias' is missing");
  auto extra = file;
  extra.tensors["decoder.weight"] = at::zeros({2});
  expect_error(extra, "unexpected tensor 'decoder.weight'");
  auto other_model = file;
  other_model.metadata["model"] = "rirf.RestorerNet";
  expect_error(other_model, "not a DiagNet file (it holds rirf.RestorerNet)");
  // Right shapes, unusable values: they would load and turn every output into garbage.
  auto not_finite = file;
  not_finite.tensors["out.bias"] = file.tensors["out.bias"].clone().fill_(std::nan(""));
  expect_error(not_finite, "tensor 'out.bias' holds NaN or infinite values");
  auto integers = file;
  integers.tensors["out.bias"] = file.tensors["out.bias"].to(at::kInt);
  expect_error(integers, "tensor 'out.bias' holds integers, expected floating point");
  EXPECT_THROW(rirf::load_diagnet_reasoner(diagnet_temp_path("does_not_exist")), rirf::Error);
}

TEST(DiagNet, AnImageOnePixelWideIsAClearError) {
  const auto reasoner = rirf::load_diagnet_reasoner(random_weights());
  rirf::test::expect_error_containing([&] { reasoner->diagnose(at::rand({1, 3, 40, 1})); },
                                      "an image of 1x40 px is too small for DiagNet");
  EXPECT_NO_THROW(reasoner->diagnose(at::rand({1, 3, 2, 2})));
}

TEST(DiagNet, InitFromOlderWeightsKeepsNewParametersFresh) {
  // An older file without the evidence weights: a strict load refuses it, a training start
  // takes what fits and names what it left at its (zero) initialisation.
  auto file = rirf::load_safetensors(random_weights());
  file.tensors.erase("evidence.weight");
  file.tensors.erase("evidence_out.weight");
  file.tensors["stem.bias"] = at::full({16}, 0.25);
  const std::string path = diagnet_temp_path("older.safetensors");
  rirf::save_safetensors(path, file);
  rirf::DiagNet net;
  rirf::test::expect_error_containing([&] { rirf::load_diagnet_weights(net, path); }, "'evidence.weight' is missing");
  rirf::DiagNet fresh;
  EXPECT_EQ(rirf::init_diagnet_weights(fresh, path), (std::vector<std::string>{"evidence.weight", "evidence_out.weight"}));
  EXPECT_TRUE(fresh->named_parameters()["stem.bias"].eq(0.25).all().item<bool>());
  EXPECT_TRUE(fresh->named_parameters()["evidence.weight"].eq(0).all().item<bool>());
}

TEST(DiagNet, InitFromFewerEvidenceValuesWidensAndKeepsTheOutputs) {
  // v3 read 5 evidence values; later versions append more. Its weights fill the leading columns, the new
  // ones start at zero, so the older network's outputs are unchanged.
  rirf::DiagNet older;
  {
    torch::NoGradGuard no_grad;
    for (auto& p : older->parameters()) p.uniform_(-0.1, 0.1);
    older->named_parameters()["evidence.weight"].slice(1, 5).zero_();
    older->named_parameters()["evidence_out.weight"].slice(1, 5).zero_();
  }
  auto file = rirf::nn::weights_file(*older, {});
  file.metadata["model"] = "rirf.DiagNet";
  file.tensors["evidence.weight"] = file.tensors["evidence.weight"].slice(1, 0, 5).contiguous();
  file.tensors["evidence_out.weight"] = file.tensors["evidence_out.weight"].slice(1, 0, 5).contiguous();
  const std::string path = diagnet_temp_path("five_evidence.safetensors");
  rirf::save_safetensors(path, file);
  rirf::DiagNet wider;
  EXPECT_TRUE(rirf::init_diagnet_weights(wider, path).empty());
  torch::NoGradGuard no_grad;
  const at::Tensor x = at::rand({2, 3, 64, 64});
  EXPECT_TRUE(at::allclose(older->forward(x), wider->forward(x), 1e-5, 1e-5));
}

// A trainer's data threads measure the evidence beforehand; the network must see the same.
TEST(DiagNet, EvidenceMeasuredBeforehandGivesTheSameOutputs) {
  rirf::DiagNet net = seeded_net(3);
  torch::NoGradGuard no_grad;
  const at::Tensor x = at::rand({3, 3, 64, 64});
  EXPECT_TRUE(at::equal(net->forward(x), net->forward(x, rirf::evidence::evidence_vector(x))));
}

TEST(DiagNet, TilesStayInsideAndOnTheJpegGrid) {
  for (auto [h, w] : {std::pair<std::int64_t, std::int64_t>{7, 9}, {300, 517}, {1000, 1500}, {4000, 3000}}) {
    const auto tiles = rirf::diagnosis_tiles(h, w);
    ASSERT_FALSE(tiles.empty());
    EXPECT_LE(tiles.size(), 9u);
    for (const auto& t : tiles) {
      EXPECT_EQ(t.top % 8, 0);
      EXPECT_EQ(t.left % 8, 0);
      EXPECT_LE(t.top + t.height, h);
      EXPECT_LE(t.left + t.width, w);
      EXPECT_EQ(t.height, std::min<std::int64_t>(256, h));
    }
  }
  // A 3x3 grid: nine disjoint tiles on a 1 MP image, one where the image is smaller than a tile.
  const auto expect_nine_disjoint = [](const std::vector<rirf::Tile>& grid, std::int64_t tile) {
    ASSERT_EQ(grid.size(), 9u);
    for (std::size_t i = 0; i < grid.size(); ++i) {
      EXPECT_EQ(grid[i].height, tile);
      for (std::size_t j = i + 1; j < grid.size(); ++j)
        EXPECT_TRUE(grid[i].top + grid[i].height <= grid[j].top || grid[j].top + grid[j].height <= grid[i].top ||
                    grid[i].left + grid[i].width <= grid[j].left || grid[j].left + grid[j].width <= grid[i].left);
    }
  };
  expect_nine_disjoint(rirf::diagnosis_tiles(1024, 1024), 256);
  EXPECT_EQ(rirf::diagnosis_tiles(7, 9).size(), 1u);
  // The trainer reads whole pictures with tiles of its crop size, on the same 3x3 grid.
  expect_nine_disjoint(rirf::diagnosis_tiles(128, 128, 32), 32);
}

TEST(DiagNet, AWholeImageReadsAsTheMeanOfItsTilesOutputs) {
  // The heads learned on one crop's statistics, so each tile goes through the whole network and
  // the outputs are averaged (docs/notebook/reasoner.md, "Per-tile outputs").
  rirf::DiagNet net = seeded_net(4);
  torch::NoGradGuard no_grad;
  const at::Tensor image = at::rand({1, 3, 300, 517});
  at::Tensor sum = at::zeros({rirf::kDiagNetOutputs});
  const auto tiles = rirf::diagnosis_tiles(300, 517);
  for (const auto& t : tiles)
    sum += net->forward(image.slice(2, t.top, t.top + t.height).slice(3, t.left, t.left + t.width))[0];
  EXPECT_TRUE(at::allclose(rirf::tile_outputs(*net, rirf::diagnosis_crops(image)), sum / static_cast<double>(tiles.size()), 1e-4, 1e-5));
}

TEST(DiagNet, ALargeImagesHazeIsAlsoReadOnTheWholePictureShrunk) {
  // Haze is a property of the whole picture; a tile of a large photo may show only sky or a wall
  // (docs/notebook/reasoner.md, "An overview for haze"). Nothing else is read from the shrunk picture.
  rirf::DiagNet net = seeded_net(5);
  torch::NoGradGuard no_grad;
  // The nine tiles cover a picture of up to three tiles a side.
  EXPECT_FALSE(rirf::diagnosis_overview(at::rand({1, 3, 500, 768})).defined());
  EXPECT_TRUE(rirf::diagnosis_overview(at::rand({1, 3, 100, 776})).defined());
  const at::Tensor image = at::rand({1, 3, 600, 1000});
  const at::Tensor view = rirf::diagnosis_overview(image);
  ASSERT_TRUE(view.defined());
  EXPECT_EQ(view.sizes(), (at::IntArrayRef{1, 3, 230, 384}));
  EXPECT_TRUE(at::allclose(view, at::adaptive_avg_pool2d(image, {230, 384}), 1e-5, 1e-6));  // its windows
  // An area average: a pixel checkerboard shrinks to grey, where sampling would keep black or white.
  const at::Tensor rows = at::arange(600).remainder(2).view({1, 1, 600, 1});
  const at::Tensor cols = at::arange(1000).remainder(2).view({1, 1, 1, 1000});
  const at::Tensor grey = rirf::diagnosis_overview((rows + cols).remainder(2).expand({1, 3, 600, 1000}).to(at::kFloat));
  EXPECT_GT(grey.min().item<double>(), 0.3);
  EXPECT_LT(grey.max().item<double>(), 0.7);

  const at::Tensor tiles_only = rirf::tile_outputs(*net, rirf::diagnosis_crops(image));
  at::Tensor outputs = tiles_only.clone();
  rirf::add_overview_haze(outputs, *net, image);
  const at::Tensor overview = net->forward(view)[0];
  const int haze = static_cast<int>(rirf::DegradationType::haze);
  for (int i = 0; i < rirf::kDiagNetOutputs; ++i) {
    const bool from_both = i == rirf::kPresenceOffset + haze || i == rirf::kSeverityOffset + haze;
    const double expected = from_both ? (tiles_only[i].item<double>() + overview[i].item<double>()) / 2
                                      : tiles_only[i].item<double>();
    EXPECT_NEAR(outputs[i].item<double>(), expected, 1e-5) << "output " << i;
  }
  EXPECT_GT(std::abs(outputs[haze].item<double>() - tiles_only[haze].item<double>()), 1e-6);

  // A thin strip is shrunk to no less than 8 px a side, and read.
  const at::Tensor strip = at::rand({1, 3, 2, 1000});
  EXPECT_EQ(rirf::diagnosis_overview(strip).sizes(), (at::IntArrayRef{1, 3, 8, 384}));
  at::Tensor strip_outputs = rirf::tile_outputs(*net, rirf::diagnosis_crops(strip));
  rirf::add_overview_haze(strip_outputs, *net, strip);
  EXPECT_TRUE(strip_outputs.isfinite().all().item<bool>());
}

TEST(Classical, FindsStrongSingleDegradations) {
  // A real photo crop: each strong degradation must be called present, the clean crop not.
  const at::Tensor scene =
      rirf::load_image(std::string(RIRF_SOURCE_DIR) + "/tests/data/golden/p2_clean.png").rgb;
  const auto reasoner = rirf::make_classical_reasoner();
  const auto clean = reasoner->diagnose((scene * 255).round() / 255);
  EXPECT_FALSE(clean.finding(rirf::DegradationType::noise).present);
  EXPECT_FALSE(clean.finding(rirf::DegradationType::jpeg).present);
  rirf::Rng rng(2);
  const auto noisy = reasoner->diagnose(rirf::apply(scene, {{rirf::make_step(rirf::DegradationType::noise, 60, rng)}}));
  EXPECT_TRUE(noisy.finding(rirf::DegradationType::noise).present);
  const auto jpeg = reasoner->diagnose(rirf::apply(scene, {{{rirf::DegradationType::jpeg, rirf::JpegFactors{30}, 0}}}));
  EXPECT_TRUE(jpeg.finding(rirf::DegradationType::jpeg).present);
  const auto dark = reasoner->diagnose(rirf::apply(scene, {{rirf::make_step(rirf::DegradationType::low_light, 80, rng)}}));
  EXPECT_TRUE(dark.finding(rirf::DegradationType::low_light).present);
}

}  // namespace
