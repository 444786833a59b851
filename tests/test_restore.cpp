// The restorer: network shapes, tiling, the condition vector, weights files and options.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>

#include "reason/diagnet_model.hpp"
#include "reason/diagnet_weights.hpp"
#include "degradations/synthesis.hpp"
#include "restore/condition.hpp"
#include "restore/deconvolution.hpp"
#include "restore/restorer_model.hpp"
#include "restore/restorer_weights.hpp"
#include "restore/tiling.hpp"
#include "rirf/diagnet.hpp"
#include "rirf/metrics.hpp"
#include "rirf/reasoner.hpp"
#include "rirf/restorer.hpp"
#include "rirf/safetensors.hpp"
#include "train/restoration_pairs.hpp"
#include "train/photo_pool.hpp"
#include "train/restorer_run.hpp"
#include "test_util.hpp"

namespace rirf {
namespace {

// A small network whose blocks all contribute: NAFNet's residual scales start at zero, which
// would make every block the identity and the tiling test trivially local.
RestorerNet busy_net(bool conditioned, int width = 8, std::uint64_t seed = 7) {
  torch::manual_seed(seed);
  RestorerNetOptions o;
  o.width = width;
  o.conditioned = conditioned;
  RestorerNet net(o);
  torch::NoGradGuard no_grad;
  for (auto& item : net->named_parameters()) {
    const auto& name = item.key();
    if (name.find("beta") != std::string::npos || name.find("gamma") != std::string::npos ||
        name.find("film") != std::string::npos)
      item.value().normal_(0, 0.5);
  }
  net->eval();
  return net;
}

// busy_net as `rirf restore` loads it: saved and read back through load_restorer.
std::unique_ptr<Restorer> busy_restorer(bool conditioned = true) {
  const std::string path = test::temp_path("restore", "busy.safetensors");
  RestorerNet net = busy_net(conditioned);
  save_restorer_net(net, path, {});
  auto restorer = load_restorer(path);
  std::filesystem::remove(path);
  return restorer;
}

// Noise present with confidence 0.9 and severity 40, nothing else.
Diagnosis noisy_diagnosis() {
  Diagnosis d;
  Finding& noise = d.finding(DegradationType::noise);
  noise.present = true, noise.confidence = 0.9, noise.severity = 40;
  return d;
}

at::Tensor random_condition(std::int64_t n) { return torch::rand({n, kConditionSize}); }

TEST(RestorerNet, AnyOddSizeComesBackTheSameSize) {
  RestorerNet net = busy_net(true);
  torch::NoGradGuard no_grad;
  for (auto [h, w] : std::vector<std::pair<int, int>>{{7, 9}, {13, 5}, {1, 1}, {33, 64}}) {
    const at::Tensor x = torch::rand({2, 3, h, w});
    const at::Tensor y = net->forward(x, random_condition(2));
    EXPECT_EQ(y.sizes(), x.sizes()) << h << "x" << w;
    EXPECT_TRUE(torch::isfinite(y).all().item<bool>());
  }
}

TEST(RestorerNet, ConditionChangesTheOutputAndTheBlindTwinIgnoresIt) {
  torch::NoGradGuard no_grad;
  const at::Tensor x = torch::rand({1, 3, 24, 24});
  RestorerNet conditioned = busy_net(true);
  EXPECT_GT((conditioned->forward(x, torch::zeros({1, kConditionSize})) -
             conditioned->forward(x, torch::ones({1, kConditionSize}))).abs().max().item<double>(), 1e-3);
  RestorerNet blind = busy_net(false);
  EXPECT_TRUE(blind->forward(x, {}).equal(blind->forward(x, torch::ones({1, kConditionSize}))));
  EXPECT_THROW(conditioned->forward(x, torch::zeros({1, 5})), Error);
}

TEST(RestorerNet, ModulationsSplitTheForwardPassExactly) {
  // The RL stage's film policy runs the body with sampled modulations: with the network's own
  // they must give exactly forward's result, and one per channel of every block (scale, shift).
  RestorerNet net = busy_net(true);
  torch::NoGradGuard no_grad;
  const at::Tensor x = torch::rand({2, 3, 20, 28}), c = random_condition(2);
  const at::Tensor m = net->modulations(c);
  // width 8, blocks 1,1,2 | 2 | 1,1,1 at 8,16,32 | 64 | 32,16,8 channels
  const std::int64_t channels = 8 + 16 + 2 * 32 + 2 * 64 + 32 + 16 + 8;
  EXPECT_EQ(m.sizes(), (std::vector<std::int64_t>{2, 2 * channels}));
  EXPECT_EQ(net->modulation_width(), 2 * channels);
  EXPECT_TRUE(net->forward(x, c).equal(net->forward_modulated(x, m)));
  // Another modulation changes the output; a wrong shape is a clear error.
  EXPECT_GT((net->forward_modulated(x, m + 0.1) - net->forward(x, c)).abs().max().item<double>(), 1e-3);
  EXPECT_THROW(net->forward_modulated(x, m.slice(1, 0, 10)), Error);
  EXPECT_THROW(busy_net(false)->modulations(c), Error);
}

TEST(RestorerNet, ChannelsLastGivesTheSameResult) {
  RestorerNet net = busy_net(true);
  torch::NoGradGuard no_grad;
  const at::Tensor x = torch::rand({1, 3, 40, 56}), c = random_condition(1);
  const at::Tensor a = net->forward(x, c), b = net->forward(x.contiguous(at::MemoryFormat::ChannelsLast), c);
  EXPECT_LT((a - b).abs().max().item<double>(), 1e-5);
}

TEST(Tiling, SpansCoverOverlapAndStayOnTheGrid) {
  for (std::int64_t size : {1, 7, 64, 65, 200, 513, 1000}) {
    const auto spans = tile_spans(size, 64, 16, 8);
    ASSERT_FALSE(spans.empty());
    EXPECT_EQ(spans.front().begin, 0);
    EXPECT_EQ(spans.back().end, size);
    for (std::size_t i = 0; i < spans.size(); ++i) {
      EXPECT_EQ(spans[i].begin % 8, 0) << size;
      EXPECT_LE(spans[i].end - spans[i].begin, 64 + 7) << size;
      if (i > 0) {
        EXPECT_GE(spans[i - 1].end - spans[i].begin, 16) << size;
        EXPECT_GT(spans[i].begin, spans[i - 1].begin) << size;
      }
    }
  }
}

TEST(Tiling, EqualsOnePassAwayFromSeams) {
  RestorerNet net = busy_net(true);
  torch::NoGradGuard no_grad;
  torch::manual_seed(3);
  const std::int64_t h = 203, w = 170, tile = 128, overlap = 64;
  const at::Tensor x = torch::rand({1, 3, h, w}), c = random_condition(1);
  const at::Tensor whole = net->forward(x, c);
  const at::Tensor tiled = run_tiled(x, tile, overlap, 8, [&](const at::Tensor& t) { return net->forward(t, c); });
  // Pixels covered by exactly one tile along both axes are away from every seam.
  const auto once = [](std::int64_t size, std::int64_t t, std::int64_t o) {
    at::Tensor count = torch::zeros({size});
    for (const auto& s : tile_spans(size, t, o, 8)) count.slice(0, s.begin, s.end) += 1;
    return count == 1;
  };
  const at::Tensor mask = once(h, tile, overlap).view({1, 1, h, 1}) & once(w, tile, overlap).view({1, 1, 1, w});
  ASSERT_GT(mask.sum().item<std::int64_t>(), 1000);
  const at::Tensor diff = (whole - tiled).abs().masked_select(mask.expand_as(whole));
  EXPECT_LT(diff.max().item<double>(), 1e-4);
  // In the seams the blend stays close to the one-pass result (same network, shared context).
  EXPECT_LT((whole - tiled).abs().mean().item<double>(), 1e-2);
}

TEST(Condition, CarriesProbabilitySeverityAndFactors) {
  Diagnosis d = noisy_diagnosis();
  Finding& blur = d.finding(DegradationType::blur);
  blur.present = true, blur.confidence = 0.8, blur.severity = 20, blur.factors = {{"kind", "motion"}};
  Finding& haze = d.finding(DegradationType::haze);
  haze.present = false, haze.confidence = 0.7;
  const Condition c = condition_from_diagnosis(d);
  EXPECT_FLOAT_EQ(c[0], 0.9f);
  EXPECT_FLOAT_EQ(c[1], 0.4f);
  EXPECT_FLOAT_EQ(c[2], 0.0f);
  EXPECT_FLOAT_EQ(c[3], 0.8f);
  EXPECT_FLOAT_EQ(c[5], 0.0f);                        // the former keep slot
  EXPECT_NEAR(c[3 * 3], 0.3f, 1e-6);                  // haze absent with confidence 0.7
  EXPECT_FLOAT_EQ(c[3 * 3 + 1], 0.0f);                // no severity when absent
  EXPECT_FLOAT_EQ(c[kConditionPerType * 6 + 2], 1.0f);  // blur kind: motion
  EXPECT_FLOAT_EQ(c[kConditionPerType * 6 + 3], 0.0f);  // no airlight without haze
}

TEST(Condition, KeptTypesAreToldAbsent) {
  Diagnosis d = noisy_diagnosis();
  Finding& blur = d.finding(DegradationType::blur);
  blur.present = true, blur.confidence = 0.8, blur.severity = 20, blur.factors = {{"kind", "motion"}};
  KeepMask keep{};
  keep[static_cast<int>(DegradationType::blur)] = true;  // --only noise
  const Diagnosis request = restoration_request(d, keep);
  const Finding& kept = request.finding(DegradationType::blur);
  EXPECT_FALSE(kept.present);
  EXPECT_EQ(kept.severity, 0);
  EXPECT_EQ(kept.confidence, 1.0);
  EXPECT_TRUE(kept.factors.empty());
  const Finding& noise = request.finding(DegradationType::noise);
  EXPECT_TRUE(noise.present);
  EXPECT_EQ(noise.severity, d.finding(DegradationType::noise).severity);
  EXPECT_EQ(noise.factors, d.finding(DegradationType::noise).factors);
  const Condition c = condition_from_diagnosis(request);
  EXPECT_FLOAT_EQ(c[3], 0.0f);                          // blur: probability 0
  EXPECT_FLOAT_EQ(c[kConditionPerType * 6 + 2], 0.0f);  // and no kind
  EXPECT_FALSE(nothing_to_undo(request));
  keep[static_cast<int>(DegradationType::noise)] = true;  // nothing left to undo
  EXPECT_TRUE(nothing_to_undo(restoration_request(d, keep)));
  EXPECT_EQ(diagnosis_to_json(without_kept_types(d, keep)), diagnosis_to_json(restoration_request(d, keep)));
}

TEST(Condition, JpegAloneIsAlsoUndoneAsAFaintNoise) {
  Diagnosis jpeg_only;
  Finding& jpeg = jpeg_only.finding(DegradationType::jpeg);
  jpeg.present = true, jpeg.confidence = 0.95, jpeg.severity = 45;
  KeepMask keep{};
  keep[static_cast<int>(DegradationType::noise)] = true;  // --only jpeg
  const Diagnosis request = restoration_request(jpeg_only, keep);
  const Finding& noise = request.finding(DegradationType::noise);
  EXPECT_TRUE(noise.present);
  EXPECT_NEAR(noise.factors["sigma"].get<double>(), kJpegAsNoiseSigma, 1e-9);
  EXPECT_NEAR(noise.severity, severity_from_factor(DegradationType::noise, kJpegAsNoiseSigma), 1e-9);
  EXPECT_EQ(request.finding(DegradationType::jpeg).severity, 45);
  const auto unchanged = [](const Diagnosis& d, const KeepMask& keep) {
    return diagnosis_to_json(restoration_request(d, keep)) == diagnosis_to_json(without_kept_types(d, keep));
  };
  // Beside another type to undo, with noise found (kept or not), or with JPEG kept: no faint noise.
  Diagnosis hazy = jpeg_only;
  hazy.finding(DegradationType::haze).present = true;
  EXPECT_TRUE(unchanged(hazy, {}));
  Diagnosis noisy = jpeg_only;
  noisy.finding(DegradationType::noise).present = true;
  noisy.finding(DegradationType::noise).severity = 30;
  EXPECT_TRUE(unchanged(noisy, {}));
  EXPECT_TRUE(unchanged(noisy, keep));  // grain kept on purpose stays
  EXPECT_FALSE(restoration_request(noisy, keep).finding(DegradationType::noise).present);
  KeepMask keep_jpeg{};
  keep_jpeg[static_cast<int>(DegradationType::jpeg)] = true;
  EXPECT_TRUE(unchanged(jpeg_only, keep_jpeg));
  EXPECT_TRUE(unchanged(Diagnosis{}, {}));
}

TEST(RestorerWeights, RoundTripAndClearErrors) {
  RestorerNet net = busy_net(true);
  const std::string path = test::temp_path("restore", "w.safetensors");
  save_restorer_net(net, path, {{"step", "3"}});
  RestorerNet loaded = load_restorer_net(path);
  torch::NoGradGuard no_grad;
  const at::Tensor x = torch::rand({1, 3, 16, 16}), c = random_condition(1);
  EXPECT_TRUE(net->forward(x, c).equal(loaded->forward(x, c)));

  TensorFile file = load_safetensors(path);
  const std::string bad = test::temp_path("restore", "bad.safetensors");
  TensorFile wrong_model = file;
  wrong_model.metadata["model"] = "rirf.DiagNet";
  save_safetensors(bad, wrong_model);
  test::expect_error_containing([&] { load_restorer_net(bad); }, "not a RestorerNet file");
  TensorFile no_config = file;
  no_config.metadata.erase("config");
  save_safetensors(bad, no_config);
  test::expect_error_containing([&] { load_restorer_net(bad); }, "no 'config'");
  TensorFile bad_config = file;
  bad_config.metadata["config"] = R"({"width": 1000})";
  save_safetensors(bad, bad_config);
  test::expect_error_containing([&] { load_restorer_net(bad); }, "restorer config");
  TensorFile wrong_shape = file;
  wrong_shape.tensors["intro.weight"] = torch::zeros({3, 3, 3, 3});
  save_safetensors(bad, wrong_shape);
  test::expect_error_containing([&] { load_restorer_net(bad); }, "tensor 'intro.weight' has shape");
  TensorFile missing = file;
  missing.tensors.erase("ending.bias");
  save_safetensors(bad, missing);
  test::expect_error_containing([&] { load_restorer_net(bad); }, "tensor 'ending.bias' is missing");
  std::filesystem::remove(path);
  std::filesystem::remove(bad);
}

TEST(RestorerWeights, GrowingAddsIdentityBlocksAndRefusesOtherShapes) {
  RestorerNet small = busy_net(true);
  const std::string path = test::temp_path("restore", "small.safetensors");
  save_restorer_net(small, path, {});
  RestorerNetOptions o = small->options();
  o.encoder_blocks = {2, 1, 3};
  o.middle_blocks = 4;
  o.decoder_blocks = {1, 2, 2};
  RestorerNet grown(o);
  EXPECT_EQ(train::load_restorer_into(grown, path, true).blocks_added, 1 + 1 + 2 + 1 + 1);
  grown->eval();
  torch::NoGradGuard no_grad;
  const at::Tensor x = torch::rand({2, 3, 24, 20}), c = random_condition(2);
  EXPECT_TRUE(torch::allclose(grown->forward(x, c), small->forward(x, c), 1e-5, 1e-6));
  // Without `grow`, or into a network that is not the same one with blocks appended: an error.
  test::expect_error_containing([&] { train::load_restorer_into(grown, path); }, "holds a different network");
  RestorerNetOptions shallower = small->options();
  shallower.middle_blocks = 1;
  RestorerNet other(shallower);
  test::expect_error_containing([&] { train::load_restorer_into(other, path, true); }, "holds a different network");
  RestorerNetOptions wider = small->options();
  wider.width = 12;  // not a multiple of 8
  RestorerNet wide(wider);
  test::expect_error_containing([&] { train::load_restorer_into(wide, path, true); }, "holds a different network");
  std::filesystem::remove(path);
}

TEST(RestorerWeights, WideningKeepsTheFunctionAndBreaksTheCopiesSymmetry) {
  for (const bool conditioned : {true, false}) {
    RestorerNet small = busy_net(conditioned);  // width 8
    {
      // busy_net leaves the layer norms at their initial 1 and 0: make them matter too.
      torch::NoGradGuard no_grad;
      for (auto& item : small->named_parameters())
        if (item.key().find("norm") != std::string::npos) item.value().normal_(0.5, 0.3);
    }
    const std::string path = test::temp_path("restore", "narrow.safetensors");
    save_restorer_net(small, path, {});
    for (const int width : {16, 24}) {
      RestorerNetOptions o = small->options();
      o.width = width;
      o.middle_blocks += 1;  // widened and grown at once
      RestorerNet wide(o);
      const train::Growth grown = train::load_restorer_into(wide, path, true, 5);
      EXPECT_EQ(grown.from_width, 8);
      EXPECT_EQ(grown.blocks_added, 1);
      wide->eval();
      torch::NoGradGuard no_grad;
      const at::Tensor x = torch::rand({2, 3, 24, 20}), c = random_condition(2);
      EXPECT_TRUE(torch::allclose(wide->forward(x, c), small->forward(x, c), 1e-4, 1e-5)) << width;
      // The copies of a channel read their inputs with different weights.
      const at::Tensor w = wide->named_parameters()["encoders.0.0.project.weight"];
      EXPECT_FALSE(torch::allclose(w.slice(1, 0, 8), w.slice(1, 8, 16)));
      // ... and their shares sum to the narrow weight.
      const at::Tensor shares_summed = w.slice(0, 0, 8).reshape({8, width / 8, 8}).sum(1);
      EXPECT_TRUE(torch::allclose(shares_summed, small->named_parameters()["encoders.0.0.project.weight"].reshape({8, 8}),
                                  1e-5, 1e-6));
    }
    std::filesystem::remove(path);
  }
}

TEST(RestorationLoss, FrequencyTermCostsSpreadErrorsMoreAndIsInDecibels) {
  torch::manual_seed(3);
  const at::Tensor target = torch::rand({2, 3, 32, 32});
  // Two errors of the same MSE: one smooth wave (its spectrum two bins per channel) and white
  // noise (spread over every bin, as a lost texture or a missed sharpening is).
  const at::Tensor x = torch::arange(32, torch::kFloat).view({1, 1, 1, 32});
  const at::Tensor wave = 0.05 * std::sqrt(2.0) * torch::cos(x * (2 * M_PI / 32)).expand({2, 3, 32, 32});
  at::Tensor noise = torch::randn({2, 3, 32, 32});
  noise = noise * (0.05 / noise.pow(2).mean({1, 2, 3}, true).sqrt());
  const auto loss = [&](const at::Tensor& e, const char* kind) {
    return train::restoration_loss(target + e, target, kind).item<double>();
  };
  EXPECT_NEAR(loss(wave, "psnr"), loss(noise, "psnr"), 1e-3);
  EXPECT_GT(loss(noise, "psnr-fft") - loss(wave, "psnr-fft"), 10.0);  // dB
  // Both terms are in dB: twice the error costs 20 log10(2) dB in each.
  EXPECT_NEAR(loss(2 * noise, "psnr") - loss(noise, "psnr"), 20 * std::log10(2.0), 1e-3);
  EXPECT_NEAR(loss(2 * noise, "psnr-fft") - loss(noise, "psnr-fft"), 40 * std::log10(2.0), 1e-3);
  EXPECT_TRUE(train::is_restoration_loss("psnr-fft"));
  EXPECT_FALSE(train::is_restoration_loss("l2"));
}

TEST(Restorer, NothingFoundOrNothingToUndoReturnsTheInputExactly) {
  const auto restorer = busy_restorer(), blind = busy_restorer(false);
  const at::Tensor x = torch::rand({1, 3, 24, 20});
  EXPECT_TRUE(torch::equal(restorer->restore(x, Diagnosis{}, {}), x));
  Diagnosis noisy;
  noisy.finding(DegradationType::noise).present = true;
  noisy.finding(DegradationType::noise).severity = 30;
  RestoreOptions only_blur;
  only_blur.only = {DegradationType::blur};
  EXPECT_TRUE(torch::equal(restorer->restore(x, noisy, only_blur), x));
  EXPECT_FALSE(torch::equal(restorer->restore(x, noisy, {}), x));
  // The blind twin cannot know: it always runs.
  EXPECT_FALSE(torch::equal(blind->restore(x, Diagnosis{}, {}), x));
}

// A diagnosis that finds `present` (severity 40, confidence 0.9) and is sure of every other absence,
// as each step of the routed restorer is told.
Diagnosis finding_only(const std::vector<DegradationType>& present) {
  Diagnosis d;
  for (Finding& f : d.findings) f.confidence = 1.0;
  for (auto type : present) {
    Finding& f = d.finding(type);
    f.present = true, f.confidence = 0.9, f.severity = 40;
  }
  return d;
}

TEST(RoutedRestorer, UndoesTheTypesOneAtATimeInReversePhysicalOrderEachByItsExpert) {
  const std::string fallback = test::temp_path("restore", "fallback.safetensors");
  const std::string noise_expert = test::temp_path("restore", "noise_expert.safetensors");
  RestorerNet a = busy_net(true, 8, 7), b = busy_net(true, 8, 11);
  save_restorer_net(a, fallback, {});
  save_restorer_net(b, noise_expert, {});
  const auto routed = load_routed_restorer({fallback, {{DegradationType::noise, noise_expert}}});
  const auto by_fallback = load_restorer(fallback), by_expert = load_restorer(noise_expert);
  const at::Tensor x = torch::rand({1, 3, 40, 36});
  // Haze happens first and noise after it, so noise (its expert) is undone first, then haze.
  const at::Tensor expected = by_fallback->restore(by_expert->restore(x, finding_only({DegradationType::noise}), {}),
                                                   finding_only({DegradationType::haze}), {});
  int last_done = 0, last_total = 0;
  const at::Tensor out = routed->restore(x, finding_only({DegradationType::haze, DegradationType::noise}), {},
                                         [&](int done, int total) { last_done = done, last_total = total; });
  EXPECT_TRUE(torch::allclose(out, expected, 1e-5, 1e-6));
  EXPECT_EQ(last_done, 2);  // one tile per step, two steps
  EXPECT_EQ(last_total, 2);
  // One type found: its expert alone; nothing found: the input as it was.
  EXPECT_TRUE(torch::allclose(routed->restore(x, finding_only({DegradationType::noise}), {}),
                              by_expert->restore(x, finding_only({DegradationType::noise}), {}), 1e-5, 1e-6));
  EXPECT_TRUE(torch::equal(routed->restore(x, finding_only({}), {}), x));
  EXPECT_NE(routed->describe().find("noise ("), std::string::npos);
  std::filesystem::remove(fallback);
  std::filesystem::remove(noise_expert);
}

TEST(RoutedRestorer, RefusesABlindTwinNamingIt) {
  const std::string conditioned = test::temp_path("restore", "conditioned.safetensors");
  const std::string blind = test::temp_path("restore", "blind.safetensors");
  RestorerNet a = busy_net(true), b = busy_net(false);
  save_restorer_net(a, conditioned, {});
  save_restorer_net(b, blind, {});
  test::expect_error_containing([&] { load_routed_restorer({blind, {}}); }, "fallback");
  test::expect_error_containing([&] { load_routed_restorer({conditioned, {{DegradationType::rain, blind}}}); },
                                "rain expert");
  std::filesystem::remove(conditioned);
  std::filesystem::remove(blind);
}

// The restorer clamps each tile rather than copying the whole image first.
TEST(Restorer, OutOfRangePixelsRestoreAsTheClampedImageAndTheInputIsUntouched) {
  const auto restorer = busy_restorer();
  torch::manual_seed(4);
  const at::Tensor wild = torch::randn({1, 3, 90, 150}) * 0.6 + 0.5, kept = wild.clone();
  Diagnosis noisy;
  noisy.finding(DegradationType::noise).present = true;
  noisy.finding(DegradationType::noise).severity = 30;
  RestoreOptions tiled, half;
  tiled.tile = 64, tiled.overlap = 16;
  half.strength = 0.5;
  for (const RestoreOptions& options : {RestoreOptions{}, tiled, half}) {
    EXPECT_TRUE(torch::equal(restorer->restore(wild, noisy, options), restorer->restore(wild.clamp(0, 1), noisy, options)));
    EXPECT_TRUE(torch::equal(wild, kept));
  }
  EXPECT_TRUE(torch::equal(restorer->restore(wild, Diagnosis{}, {}), wild.clamp(0, 1)));
}

// Edges and texture at several scales, in [0, 1].
at::Tensor test_scene(std::int64_t h, std::int64_t w) {
  const at::Tensor y = torch::arange(h, torch::kFloat).view({1, 1, h, 1}), x = torch::arange(w, torch::kFloat).view({1, 1, 1, w});
  const at::Tensor blocks = ((y / 23).floor() + (x / 17).floor()).remainder(2);
  const at::Tensor waves = 0.5 + 0.25 * torch::sin(x * 0.31) * torch::cos(y * 0.17);
  return torch::cat({blocks * 0.6 + 0.2, waves, 0.5 * blocks + 0.5 * waves}, 1).clamp(0, 1);
}

Finding blur_finding(double extent_px, const char* kind) {
  Finding f;
  f.type = DegradationType::blur;
  f.present = true;
  f.severity = severity_from_factor(DegradationType::blur, extent_px);
  f.factors = {{"extent_px", extent_px}, {"kind", kind}};
  return f;
}

TEST(Deconvolution, SharpensAKnownBlurAndTilesAgreeWithOnePass) {
  const at::Tensor clean = test_scene(150, 210);
  BlurFactors kernel{BlurKind::gaussian, 3.0, 0.0, {}, 0};
  generate_blur_kernel(kernel, 0);
  const at::Tensor blurred = degradations::convolve_kernel(clean, kernel);
  const at::Tensor one_pass = deconvolve(blurred, kernel, 0.002, 4096);
  EXPECT_GT(psnr(one_pass, clean), psnr(blurred, clean) + 3.0);
  // Tiles of 64 px with their margins of real pixels: the same image to within float error.
  EXPECT_LT((deconvolve(blurred, kernel, 0.002, 64) - one_pass).abs().max().item<double>(), 2e-3);
  // Tiny images (margins larger than the image) still work.
  EXPECT_EQ(deconvolve(blurred.slice(2, 0, 5).slice(3, 0, 3), kernel, 0.04).sizes(), (at::IntArrayRef{1, 3, 5, 3}));
}

TEST(Deconvolution, KernelOnlyForAPresentBlurOfAPixelOrMore) {
  const auto defocus = deconvolution_kernel(blur_finding(6.0, "defocus"));
  ASSERT_TRUE(defocus.has_value());
  EXPECT_EQ(defocus->kind, BlurKind::defocus);
  EXPECT_NEAR(defocus->extent_px, 6.0 * kDeconvolutionExtentScale, 0.3);
  const auto motion = deconvolution_kernel(blur_finding(6.0, "motion"));
  ASSERT_TRUE(motion.has_value());
  EXPECT_EQ(motion->kind, BlurKind::gaussian);  // no direction in the diagnosis: isotropic
  EXPECT_FALSE(deconvolution_kernel(blur_finding(1.0, "gaussian")).has_value());
  Finding absent = blur_finding(6.0, "gaussian");
  absent.present = false;
  EXPECT_FALSE(deconvolution_kernel(absent).has_value());
}

TEST(Restorer, ADiagnosedBlurIsDeconvolvedUnlessKeptOrSwitchedOff) {
  const auto restorer = busy_restorer();
  const at::Tensor x = test_scene(70, 90);
  Diagnosis blurred;
  blurred.finding(DegradationType::blur) = blur_finding(5.0, "gaussian");
  RestoreOptions network_alone, keep_blur;
  network_alone.deconvolve = false;
  keep_blur.only = {DegradationType::noise};
  const at::Tensor alone = restorer->restore(x, blurred, network_alone);
  EXPECT_FALSE(torch::equal(restorer->restore(x, blurred, {}), alone));
  Diagnosis blurred_and_noisy = blurred;
  blurred_and_noisy.finding(DegradationType::noise).present = true;
  blurred_and_noisy.finding(DegradationType::noise).severity = 30;
  network_alone.only = keep_blur.only;
  EXPECT_TRUE(torch::equal(restorer->restore(x, blurred_and_noisy, keep_blur),
                           restorer->restore(x, blurred_and_noisy, network_alone)));
}

TEST(Restorer, StrengthZeroKeepsTheInputAndOptionsAreChecked) {
  const auto restorer = busy_restorer();
  EXPECT_TRUE(restorer->conditioned());
  EXPECT_GT(restorer->macs_per_pixel(), 0);
  const at::Tensor x = torch::rand({1, 3, 21, 30});
  RestoreOptions keep_all;
  keep_all.strength = 0;
  EXPECT_LT((restorer->restore(x, Diagnosis{}, keep_all) - x).abs().max().item<double>(), 1e-6);
  const Diagnosis noisy = noisy_diagnosis();
  const at::Tensor full = restorer->restore(x, noisy, {});
  EXPECT_EQ(full.sizes(), x.sizes());
  EXPECT_GT((full - x).abs().max().item<double>(), 1e-3);
  EXPECT_GE(full.min().item<double>(), 0.0);
  EXPECT_LE(full.max().item<double>(), 1.0);
  RestoreOptions bad;
  bad.strength = 1.5;
  test::expect_error_containing([&] { restorer->restore(x, noisy, bad); }, "strength: must be in [0, 1]");
  test::expect_error_containing([&] { restorer->restore(x, Diagnosis{}, bad); }, "strength: must be in [0, 1]");
  bad = {};
  bad.tile = 16;
  test::expect_error_containing([&] { restorer->restore(x, Diagnosis{}, bad); }, "tile: must be in [64, 8192]");
  bad = {};
  bad.overlap = 400;
  test::expect_error_containing([&] { restorer->restore(x, Diagnosis{}, bad); }, "overlap: must be in [0, tile / 2]");
  for (int views : {0, 3, 8}) {
    bad = {};
    bad.ensemble = views;
    test::expect_error_containing([&] { restorer->restore(x, noisy, bad); }, "ensemble: must be 1, 2 or 4");
  }
  RestoreOptions only_noise;
  only_noise.only = {DegradationType::noise};
  test::expect_error_containing([&] { busy_restorer(false)->restore(x, noisy, only_noise); }, "blind twin");
}

TEST(Restorer, SelfEnsembleAveragesTheMirroredAndFlippedViews) {
  // With four views the result is equivariant: a mirrored or upside-down input comes back as the
  // mirrored or upside-down restoration (the network alone is not). Haze caps it at two views
  // (mirrored left-right only).
  const auto restorer = busy_restorer();
  const at::Tensor x = test_scene(64, 64);
  const Diagnosis noisy = noisy_diagnosis();
  const auto max_difference = [](const at::Tensor& a, const at::Tensor& b) { return (a - b).abs().max().item<double>(); };
  const at::Tensor single = restorer->restore(x, noisy, {});
  EXPECT_GT(max_difference(restorer->restore(x.flip({3}), noisy, {}).flip({3}), single), 1e-4);
  RestoreOptions four, two;
  four.ensemble = 4;
  two.ensemble = 2;
  const at::Tensor ensembled = restorer->restore(x, noisy, four);
  EXPECT_GT(max_difference(ensembled, single), 1e-4);
  EXPECT_LT(max_difference(restorer->restore(x.flip({3}), noisy, four).flip({3}), ensembled), 1e-5);
  EXPECT_LT(max_difference(restorer->restore(x.flip({2}), noisy, four).flip({2}), ensembled), 1e-5);
  const at::Tensor mirrored_pair = restorer->restore(x, noisy, two);
  EXPECT_LT(max_difference(restorer->restore(x.flip({3}), noisy, two).flip({3}), mirrored_pair), 1e-5);
  EXPECT_GT(max_difference(mirrored_pair, ensembled), 1e-5);
  Diagnosis hazy = noisy;
  Finding& haze = hazy.finding(DegradationType::haze);
  haze.present = true, haze.confidence = 0.9, haze.severity = 40;
  EXPECT_TRUE(torch::equal(restorer->restore(x, hazy, four), restorer->restore(x, hazy, two)));
  RestoreOptions keep_haze = four;
  keep_haze.only = {DegradationType::noise};
  EXPECT_FALSE(torch::equal(restorer->restore(x, hazy, keep_haze), restorer->restore(x, hazy, two)));
}

TEST(Validation, ConditionsComeFromTheReasonerAndCleanCallsStayUnchanged) {
  // The trainers validate as rirf restore runs: the reasoner's diagnosis of each sample is the
  // condition, and a sample it finds nothing in comes back as it was.
  torch::manual_seed(3);
  train::Pairs val;
  val.degraded = torch::rand({2, 3, 64, 64});
  val.target = val.degraded.clone();
  val.task = {"clean", "clean"};
  val.keep = {KeepMask{}, KeepMask{}};
  const auto reasoner = make_classical_reasoner();
  const train::ValidationConditions found = train::inference_conditions(*reasoner, val);
  ASSERT_EQ(found.condition.sizes(), (at::IntArrayRef{2, kConditionSize}));
  ASSERT_EQ(found.unchanged.size(), 2u);
  for (std::int64_t i = 0; i < 2; ++i) {
    const Diagnosis d = reasoner->diagnose(val.degraded.slice(0, i, i + 1));
    Condition expected = condition_from_diagnosis(d);
    EXPECT_TRUE(at::equal(found.condition[i], torch::from_blob(expected.data(), {kConditionSize}, torch::kFloat)));
    EXPECT_EQ(found.unchanged[static_cast<std::size_t>(i)], nothing_to_undo(d));
  }

  RestorerNet net = busy_net(true);
  train::ValidationConditions conditions{random_condition(2), {true, true}};
  EXPECT_TRUE(std::isinf(train::score_restorer(*net, val, conditions).worst.at("clean")));
  conditions.unchanged = {false, false};
  EXPECT_LT(train::score_restorer(*net, val, conditions).worst.at("clean"), 60.0);  // the busy network changes it
}

// A pack holding one photo of uniform noise, `side` px square; returns its path.
std::string noise_photo_pack(const std::string& name, std::int64_t side, std::uint64_t seed) {
  const std::string pack = test::temp_path("pairs", name);
  TensorFile file;
  torch::manual_seed(seed);
  file.tensors["photo_000000"] = torch::randint(0, 256, {3, side, side}).to(at::kByte);
  save_safetensors(pack, file);
  return pack;
}

TEST(ConditionedPairs, ViewsAreTheDegradedRegionsAndConditionAsRirfRestoreWould) {
  // With a condition view, each crop is cut from a degraded region and conditioned on the
  // reasoner's diagnosis of the whole region: the same condition rirf restore would give an image
  // that is that region.
  const std::string pack = noise_photo_pack("noise.safetensors", 384, 11);
  const PhotoPool pool({pack}, 64);
  train::PairSampling sampling;
  sampling.clean_probability = 0.3;
  sampling.haze_context = 256;
  sampling.condition_view = 128;
  Rng rng(9);
  const train::Pairs pairs = train::draw_pairs(pool, rng, 10, 64, sampling);
  ASSERT_EQ(pairs.views.size(), 10u);
  for (std::size_t i = 0; i < pairs.views.size(); ++i) {
    const at::Tensor& view = pairs.views[i];
    const auto side = view.size(2);
    ASSERT_EQ(view.sizes(), (at::IntArrayRef{1, 3, side, side}));
    EXPECT_GE(side, 128);
    EXPECT_LE(side, pairs.present[i][static_cast<int>(DegradationType::haze)] ? 256 : 128);
    bool found = false;  // the crop is a window of its view on the 8x8 grid
    const at::Tensor crop = pairs.degraded.slice(0, i, i + 1);
    for (std::int64_t top = 0; top + 64 <= side && !found; top += 8)
      for (std::int64_t left = 0; left + 64 <= side && !found; left += 8)
        found = at::equal(view.slice(2, top, top + 64).slice(3, left, left + 64), crop);
    EXPECT_TRUE(found) << "sample " << i;
  }

  const std::string weights = test::temp_path("pairs", "diagnet.safetensors");
  torch::manual_seed(12);
  DiagNet net;
  net->eval();
  save_diagnet_weights(net, weights, {});
  const auto reasoner = load_diagnet_reasoner(weights);
  const at::Tensor conditions = train::predicted_conditions(*net, pairs);
  ASSERT_EQ(conditions.sizes(), (at::IntArrayRef{10, kConditionSize}));
  for (std::size_t i = 0; i < pairs.views.size(); ++i) {
    Condition expected = condition_from_diagnosis(without_kept_types(reasoner->diagnose(pairs.views[i]), pairs.keep[i]));
    EXPECT_TRUE(at::allclose(conditions[static_cast<std::int64_t>(i)],
                             torch::from_blob(expected.data(), {kConditionSize}, torch::kFloat), 1e-4, 1e-5))
        << "sample " << i;
  }
  std::filesystem::remove(pack);
  std::filesystem::remove(weights);
}

TEST(ConditionedPairs, FalseCallsAreClaimedOnCleanInputsOnlyAndTheirTargetIsTheInput) {
  // A false call conditions a clean input on a type that is not there; the target stays the input.
  const std::string pack = noise_photo_pack("false_calls.safetensors", 128, 13);
  const PhotoPool pool({pack}, 64);
  torch::manual_seed(14);
  DiagNet net;
  net->eval();

  train::PairSampling sampling;
  sampling.clean_probability = 0.5;
  sampling.false_call_probability = 1.0;
  Rng rng(15);
  const train::Pairs pairs = train::draw_pairs(pool, rng, 24, 64, sampling);
  const at::Tensor conditions = train::predicted_conditions(*net, pairs);
  train::Pairs honest = pairs;
  honest.false_calls.assign(pairs.false_calls.size(), std::nullopt);
  const at::Tensor truthful = train::predicted_conditions(*net, honest);
  int clean = 0;
  for (std::size_t i = 0; i < pairs.false_calls.size(); ++i) {
    const auto n = static_cast<std::int64_t>(i);
    const bool is_clean = std::none_of(pairs.present[i].begin(), pairs.present[i].end(), [](bool p) { return p; });
    ASSERT_EQ(pairs.false_calls[i].has_value(), is_clean) << "sample " << i;
    if (!is_clean) {
      EXPECT_TRUE(at::equal(conditions[n], truthful[n]));
      continue;
    }
    ++clean;
    EXPECT_TRUE(at::equal(pairs.degraded[n], pairs.target[n]));
    const Finding& lie = *pairs.false_calls[i];
    EXPECT_GE(lie.severity, 10.0);
    EXPECT_LE(lie.severity, 50.0);
    EXPECT_GE(lie.confidence, 0.5);
    EXPECT_LE(lie.confidence, 0.85);
    EXPECT_NE(lie.type, DegradationType::haze);  // not refutable from a crop
    EXPECT_NE(lie.type, DegradationType::low_light);
    const int t = static_cast<int>(lie.type);
    EXPECT_NEAR(conditions[n][kConditionPerType * t].item<double>(), lie.confidence, 1e-6);
    EXPECT_NEAR(conditions[n][kConditionPerType * t + 1].item<double>(), lie.severity / 100.0, 1e-6);
    // Every other type reads as the reasoner read it.
    for (int u = 0; u < kNumDegradationTypes; ++u)
      if (u != t)
        EXPECT_TRUE(at::equal(conditions[n].slice(0, kConditionPerType * u, kConditionPerType * (u + 1)),
                              truthful[n].slice(0, kConditionPerType * u, kConditionPerType * (u + 1))));
  }
  EXPECT_GT(clean, 4);
  EXPECT_LT(clean, 20);

  // Off by default.
  Rng again(15);
  for (const auto& call : train::draw_pairs(pool, again, 24, 64, train::PairSampling{}).false_calls)
    EXPECT_FALSE(call.has_value());
  std::filesystem::remove(pack);
}

}  // namespace
}  // namespace rirf
