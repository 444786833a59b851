// The degradation engine: determinism, each type moves the image the expected way, severity
// is monotone, composition is physical, odd sizes and batches work.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include <cmath>

#include "degradations/synthesis.hpp"
#include "rirf/degrade.hpp"
#include "rirf/error.hpp"
#include "rirf/image_io.hpp"
#include "rirf/suites.hpp"

namespace {
using rirf::DegradationType;

// A smooth, textured, photo-like test image: gradients plus a few sinusoids, no noise.
at::Tensor scene(std::int64_t h, std::int64_t w) {
  const at::Tensor y = at::linspace(0, 1, h).view({1, 1, h, 1});
  const at::Tensor x = at::linspace(0, 1, w).view({1, 1, 1, w});
  const at::Tensor r = 0.5 + 0.3 * at::sin(x * 17.0) * at::cos(y * 11.0);
  const at::Tensor g = 0.35 + 0.25 * y + 0.1 * at::sin((x + y) * 40.0);
  const at::Tensor b = 0.3 + 0.3 * x * y;
  return at::cat({r.expand({1, 1, h, w}), g.expand({1, 1, h, w}), b.expand({1, 1, h, w})}, 1).contiguous();
}

rirf::DegradationPlan one(DegradationType type, double severity, std::uint64_t seed = 11) {
  rirf::Rng rng(seed);
  return rirf::DegradationPlan{{rirf::make_step(type, severity, rng)}};
}

double luma_mean(const at::Tensor& x) { return (x * at::tensor({0.299, 0.587, 0.114}).view({1, 3, 1, 1})).sum(1).mean().item<double>(); }

// Energy of the Laplacian: high-frequency content.
double high_frequency(const at::Tensor& x) {
  const at::Tensor k = at::tensor({0.f, 1.f, 0.f, 1.f, -4.f, 1.f, 0.f, 1.f, 0.f}).view({1, 1, 3, 3});
  return at::conv2d(x.reshape({-1, 1, x.size(2), x.size(3)}), k).pow(2).mean().item<double>();
}

TEST(Engine, SamePlanGivesSameBytes) {
  const at::Tensor x = scene(37, 53);
  for (auto type : rirf::all_degradation_types()) {
    const auto plan = one(type, 60);
    EXPECT_TRUE(at::equal(rirf::apply(x, plan), rirf::apply(x, plan))) << rirf::type_name(type);
    const auto again = one(type, 60);
    EXPECT_TRUE(at::equal(rirf::apply(x, plan), rirf::apply(x, again))) << rirf::type_name(type);
  }
  rirf::Rng a(5), b(5);
  const auto pa = rirf::sample_plan({}, a), pb = rirf::sample_plan({}, b);
  EXPECT_TRUE(at::equal(rirf::apply(x, pa), rirf::apply(x, pb)));
}

TEST(Engine, ThreadCountDoesNotChangeTheBytes) {
  const at::Tensor x = scene(67, 129);
  rirf::Rng rng(77);
  rirf::SampleOptions all;
  all.min_count = all.max_count = rirf::kNumDegradationTypes;
  const auto plan = rirf::sample_plan(all, rng);
  const int before = at::get_num_threads();
  at::set_num_threads(1);
  const at::Tensor one = rirf::apply(x, plan);
  at::set_num_threads(2);
  const at::Tensor two = rirf::apply(x, plan);
  at::set_num_threads(before);
  EXPECT_TRUE(at::equal(one, two));
}

TEST(Engine, DifferentSeedsGiveDifferentNoise) {
  const at::Tensor x = scene(32, 32);
  EXPECT_FALSE(at::equal(rirf::apply(x, one(DegradationType::noise, 50, 1)), rirf::apply(x, one(DegradationType::noise, 50, 2))));
}

TEST(Engine, GaussianNoiseHasTheRequestedSigma) {
  const at::Tensor grey = at::full({1, 3, 128, 128}, 0.5);
  for (double sigma : {5.0, 15.0, 25.0, 50.0}) {
    rirf::DegradationStep step;
    step.type = DegradationType::noise;
    rirf::NoiseFactors f;
    f.sigma = sigma;
    step.factors = f;
    step.seed = 3;
    const double measured = (rirf::apply_step(grey, step) - grey).std().item<double>() * 255.0;
    EXPECT_NEAR(measured, sigma, 0.03 * sigma) << sigma;
    f.signal_dependence = 0.7;  // same sigma at mid-grey whatever the signal dependence
    f.correlation_px = 1.0;     // and whatever the correlation
    step.factors = f;
    const double shaped = (rirf::apply_step(grey, step) - grey).std().item<double>() * 255.0;
    EXPECT_NEAR(shaped, sigma, 0.1 * sigma) << sigma;
  }
}

TEST(Engine, SignalDependentNoiseGrowsWithBrightness) {
  rirf::DegradationStep step;
  step.type = DegradationType::noise;
  rirf::NoiseFactors f;
  f.sigma = 20;
  f.signal_dependence = 1.0;
  step.factors = f;
  const at::Tensor dark = at::full({1, 3, 64, 64}, 0.1), bright = at::full({1, 3, 64, 64}, 0.8);
  EXPECT_LT((rirf::apply_step(dark, step) - dark).std().item<double>(),
            0.6 * (rirf::apply_step(bright, step) - bright).std().item<double>());
}

TEST(Engine, BlurLowersHighFrequencyEnergy) {
  const at::Tensor x = at::rand({1, 3, 48, 48});
  for (auto kind : {rirf::BlurKind::gaussian, rirf::BlurKind::defocus, rirf::BlurKind::motion}) {
    rirf::BlurFactors f;
    f.kind = kind;
    f.extent_px = 4;
    f.angle_deg = 30;
    rirf::generate_blur_kernel(f, 9);
    double sum = 0;
    for (float v : f.kernel) sum += v;
    EXPECT_NEAR(sum, 1.0, 1e-5);
    EXPECT_NEAR(f.extent_px, 4.0, 0.4) << rirf::blur_kind_name(kind);
    rirf::DegradationStep step{DegradationType::blur, f, 9};
    EXPECT_LT(high_frequency(rirf::apply_step(x, step)), 0.3 * high_frequency(x)) << rirf::blur_kind_name(kind);
  }
}

TEST(Engine, TinyBlurExtentsGiveSmallKernels) {
  for (auto kind : {rirf::BlurKind::gaussian, rirf::BlurKind::defocus, rirf::BlurKind::motion}) {
    for (double extent : {0.01, 0.1, 0.3, 0.6, 1.0}) {
      rirf::BlurFactors f;
      f.kind = kind;
      f.extent_px = extent;
      rirf::generate_blur_kernel(f, 1);
      EXPECT_LE(f.kernel_size, 9) << rirf::blur_kind_name(kind) << " " << extent;
      EXPECT_LE(f.extent_px, 2.0) << rirf::blur_kind_name(kind) << " " << extent;
    }
  }
}

TEST(Engine, MotionKernelsAreNotStraightLinesOnly) {
  // Camera shake: across seeds some trajectories bend, so the kernel's minor axis is not ~0.
  int curved = 0;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    rirf::BlurFactors f;
    f.kind = rirf::BlurKind::motion;
    f.extent_px = 8;
    rirf::generate_blur_kernel(f, seed);
    const at::Tensor k = at::from_blob(f.kernel.data(), {f.kernel_size, f.kernel_size}, at::kFloat).to(at::kDouble);
    const at::Tensor ys = at::arange(f.kernel_size, at::kDouble).view({-1, 1}), xs = ys.view({1, -1});
    const double cx = (k * xs).sum().item<double>(), cy = (k * ys).sum().item<double>();
    const double sxx = (k * (xs - cx).pow(2)).sum().item<double>(), syy = (k * (ys - cy).pow(2)).sum().item<double>();
    const double sxy = (k * (xs - cx) * (ys - cy)).sum().item<double>();
    const double minor = 0.5 * (sxx + syy) - std::sqrt(0.25 * (sxx - syy) * (sxx - syy) + sxy * sxy);
    curved += minor > 0.5;
  }
  EXPECT_GE(curved, 3);
}

TEST(Engine, FftAndDirectConvolutionAgree) {
  const at::Tensor x = at::rand({2, 3, 19, 23});
  const at::Tensor k = at::rand({11, 11});
  const at::Tensor kn = k / k.sum();
  const at::Tensor fft = rirf::detail::convolve(x, kn);  // 121 taps: the FFT path
  const at::Tensor padded = at::replication_pad2d(x.reshape({6, 1, 19, 23}), {5, 5, 5, 5});
  const at::Tensor direct = at::conv2d(padded, kn.flip({0, 1}).view({1, 1, 11, 11})).reshape({2, 3, 19, 23});
  EXPECT_LT((fft - direct).abs().max().item<float>(), 1e-5);
}

TEST(Engine, GaussianBlurMatchesTheSeparableConvolution) {
  // The CPU blur runs as loops over rows; libtorch's convolution with replicated borders is the
  // reference. Narrow planes (narrower than the kernel) and a channels-last batch included.
  for (const auto& sizes : std::vector<std::vector<std::int64_t>>{{2, 3, 19, 23}, {1, 1, 5, 3}, {1, 2, 1, 1}}) {
    for (double sigma : {0.4, 1.0, 2.0}) {
      const at::Tensor x = at::rand(sizes);
      const at::Tensor taps = rirf::detail::gaussian_taps(sigma);
      const std::int64_t r = taps.size(0) / 2, planes = sizes[0] * sizes[1];
      at::Tensor ref = x.reshape({planes, 1, sizes[2], sizes[3]});
      ref = at::conv2d(at::replication_pad2d(ref, {0, 0, r, r}), taps.view({1, 1, -1, 1}));
      ref = at::conv2d(at::replication_pad2d(ref, {r, r, 0, 0}), taps.view({1, 1, 1, -1})).reshape(sizes);
      EXPECT_LT((rirf::detail::gaussian_blur(x, sigma) - ref).abs().max().item<float>(), 1e-6) << sigma;
      const at::Tensor last = x.contiguous(at::MemoryFormat::ChannelsLast);
      EXPECT_LT((rirf::detail::gaussian_blur(last, sigma) - ref).abs().max().item<float>(), 1e-6) << sigma;
    }
  }
  // A tensor that needs a gradient keeps its graph.
  const at::Tensor x = at::rand({1, 1, 9, 9}).requires_grad_();
  rirf::detail::gaussian_blur(x, 1.0).sum().backward();
  ASSERT_TRUE(x.grad().defined());
  EXPECT_NEAR(x.grad().sum().item<double>(), 81.0, 1e-3);
}

TEST(Engine, RainBrightensAndNeverDarkens) {
  const at::Tensor x = scene(96, 96);
  const at::Tensor y = rirf::apply(x, one(DegradationType::rain, 60));
  EXPECT_GE((y - x).min().item<float>(), -1e-6);
  EXPECT_GT(luma_mean(y), luma_mean(x) + 0.01);
  // Streaks are oriented: on a black image, the rain layer is far from uniform.
  const at::Tensor black = at::zeros({1, 3, 96, 96});
  const at::Tensor rain = rirf::apply(black, one(DegradationType::rain, 60));
  EXPECT_GT(rain.std().item<float>(), 0.05);
}

TEST(Engine, RainCoverageTracksTheFactor) {
  const at::Tensor black = at::zeros({1, 3, 256, 256});
  double previous = 0;
  for (double coverage : {0.02, 0.06, 0.15}) {
    rirf::RainFactors f;
    f.coverage = coverage;
    f.veil = 0;
    rirf::DegradationStep step{DegradationType::rain, f, 4};
    const double covered = (rirf::apply_step(black, step).select(1, 0) > 0.1).to(at::kFloat).mean().item<double>();
    EXPECT_GT(covered, previous);
    EXPECT_NEAR(covered, coverage, 0.6 * coverage) << coverage;
    previous = covered;
  }
}

TEST(Engine, HazeLowersContrastTowardsAirlight) {
  const at::Tensor x = scene(64, 80);
  rirf::DegradationStep step = one(DegradationType::haze, 70).steps[0];
  const at::Tensor y = rirf::apply_step(x, step);
  EXPECT_LT(y.std().item<double>(), 0.7 * x.std().item<double>());
  const auto airlight = std::get<rirf::HazeFactors>(step.factors).airlight;
  // The top (far) rows are closer to the airlight than the bottom (near) rows.
  const at::Tensor a = at::tensor({airlight[0], airlight[1], airlight[2]}, at::kFloat).view({1, 3, 1, 1});
  const double top = (y.slice(2, 0, 8) - a).abs().mean().item<double>();
  const double bottom = (y.slice(2, 56, 64) - a).abs().mean().item<double>();
  EXPECT_LT(top, bottom);
}

TEST(Engine, LowLightLowersLuminance) {
  const at::Tensor x = scene(40, 40);
  double previous = luma_mean(x);
  for (double s : {20.0, 50.0, 80.0}) {
    const double m = luma_mean(rirf::apply(x, one(DegradationType::low_light, s)));
    EXPECT_LT(m, previous) << s;
    previous = m;
  }
}

TEST(Engine, JpegAtLowQualityShowsBlocks) {
  const at::Tensor x = scene(128, 128);
  rirf::DegradationStep step{DegradationType::jpeg, rirf::JpegFactors{10}, 0};
  const at::Tensor y = rirf::apply_step(x, step);
  // Mean absolute jump across columns at 8x8 block boundaries vs inside blocks.
  const at::Tensor jumps = (y.slice(3, 1) - y.slice(3, 0, -1)).abs().mean({0, 1, 2});
  double boundary = 0, inside = 0;
  for (int c = 0; c < jumps.size(0); ++c) ((c % 8 == 7) ? boundary : inside) += jumps[c].item<double>();
  boundary /= 15, inside /= (127 - 15);
  EXPECT_GT(boundary, 1.3 * inside);
  const at::Tensor fine = rirf::apply_step(x, {DegradationType::jpeg, rirf::JpegFactors{95}, 0});
  EXPECT_LT((fine - x).abs().mean().item<double>(), (y - x).abs().mean().item<double>());
}

// The engine calls libjpeg itself (a training node without an image library has it); its
// round trip must be the one a JPEG file written and read by rirf's image I/O gives.
TEST(Engine, JpegMatchesTheImageWritersRoundTripExactly) {
  const at::Tensor x = (scene(37, 50) + 0.05 * at::randn({1, 3, 37, 50})).clamp(0, 1);
  for (int quality : {10, 45, 89, 90, 97}) {
    const at::Tensor engine = rirf::apply_step(x, {DegradationType::jpeg, rirf::JpegFactors{quality}, 0});
    rirf::SaveOptions options;
    options.quality = quality;
    options.strip_metadata = true;
    const auto bytes = rirf::encode_image(rirf::image_from_tensor(x), "jpeg", options);
    const at::Tensor file = rirf::decode_image(bytes.data(), bytes.size()).rgb;
    EXPECT_TRUE(at::equal(engine, file)) << "quality " << quality << ", max difference "
                                         << (engine - file).abs().max().item<double>();
  }
}

TEST(Engine, SeverityIsMonotoneInTheMainFactor) {
  for (auto type : rirf::all_degradation_types()) {
    const double lo = type == DegradationType::jpeg ? 100 : 0;
    const double hi = type == DegradationType::jpeg ? 1 : rirf::factor_from_severity(type, 100);
    double previous = -1;
    for (int i = 0; i <= 50; ++i) {
      const double factor = lo + (hi - lo) * i / 50.0;
      const double s = rirf::severity_from_factor(type, factor);
      EXPECT_GE(s, previous) << rirf::type_name(type) << " at " << factor;
      EXPECT_NEAR(rirf::severity_from_factor(type, rirf::factor_from_severity(type, s)), s, 1e-6);
      previous = s;
    }
    EXPECT_NEAR(rirf::severity_from_factor(type, lo), 0.0, 1e-9) << rirf::type_name(type);
    EXPECT_NEAR(previous, 100.0, 1e-9) << rirf::type_name(type);
  }
}

TEST(Engine, StepsRecordTheSeverityTheyWereMadeFor) {
  for (auto type : rirf::all_degradation_types()) {
    for (double s : {10.0, 40.0, 75.0}) {
      const auto step = one(type, s).steps[0];
      const double tolerance = type == DegradationType::jpeg ? 2.0 : (type == DegradationType::blur ? 3.0 : 1e-6);
      EXPECT_NEAR(step.severity(), s, tolerance) << rirf::type_name(type);
    }
  }
}

TEST(Engine, LevelsFollowFixedThresholds) {
  EXPECT_STREQ(rirf::level_name(rirf::level_from_severity(0)), "none");
  EXPECT_STREQ(rirf::level_name(rirf::level_from_severity(4.9)), "none");
  EXPECT_STREQ(rirf::level_name(rirf::level_from_severity(5)), "mild");
  EXPECT_STREQ(rirf::level_name(rirf::level_from_severity(30)), "moderate");
  EXPECT_STREQ(rirf::level_name(rirf::level_from_severity(55)), "severe");
  EXPECT_STREQ(rirf::level_name(rirf::level_from_severity(80)), "extreme");
}

TEST(Engine, SampledPlansAreCompositeAndPhysicallyOrdered) {
  rirf::Rng rng(42);
  int counts[4] = {0, 0, 0, 0};
  for (int i = 0; i < 200; ++i) {
    const auto plan = rirf::sample_plan({}, rng);
    ASSERT_GE(plan.steps.size(), 1u);
    ASSERT_LE(plan.steps.size(), 3u);
    ++counts[plan.steps.size()];
    for (std::size_t j = 1; j < plan.steps.size(); ++j)
      EXPECT_LT(rirf::physical_order(plan.steps[j - 1].type), rirf::physical_order(plan.steps[j].type));
  }
  EXPECT_GT(counts[1], 0);
  EXPECT_GT(counts[2], 0);
  EXPECT_GT(counts[3], 0);
  rirf::SampleOptions clean;
  clean.clean_probability = 1.0;
  EXPECT_TRUE(rirf::sample_plan(clean, rng).steps.empty());
}

TEST(Engine, TypeWeightsSteerTheDrawAndEqualWeightsKeepTheStream) {
  rirf::SampleOptions single;
  single.max_count = 1;
  rirf::SampleOptions scaled = single;  // equal weights, whatever their value: the old stream
  scaled.type_weights.fill(2.5);
  rirf::Rng a(5), b(5);
  for (int i = 0; i < 50; ++i)
    EXPECT_EQ(rirf::sample_plan(single, a).steps[0].type, rirf::sample_plan(scaled, b).steps[0].type);

  rirf::SampleOptions weighted;  // noise 5 : 1 : 1 : 1 : 1 : 0 over composites of 1-3 types
  weighted.type_weights = {5, 1, 1, 1, 1, 0};
  rirf::Rng rng(9);
  int noise_first_single = 0, singles = 0, noise = 0, jpeg = 0;
  const int n = 3000;
  for (int i = 0; i < n; ++i) {
    const auto plan = rirf::sample_plan(weighted, rng);
    ASSERT_GE(plan.steps.size(), 1u);
    for (const auto& s : plan.steps) {
      noise += s.type == rirf::DegradationType::noise;
      jpeg += s.type == rirf::DegradationType::jpeg;
    }
    if (plan.steps.size() == 1) ++singles, noise_first_single += plan.steps[0].type == rirf::DegradationType::noise;
  }
  EXPECT_EQ(jpeg, 0);
  EXPECT_NEAR(static_cast<double>(noise_first_single) / singles, 5.0 / 9.0, 0.05);
  EXPECT_GT(noise, n * 2 / 3);

  rirf::SampleOptions none;
  none.type_weights.fill(0);
  EXPECT_THROW(rirf::sample_plan(none, rng), rirf::Error);
  none.type_weights[0] = -1;
  EXPECT_THROW(rirf::sample_plan(none, rng), rirf::Error);
}

TEST(Engine, OddSizesAndBatchesWork) {
  for (auto [h, w] : {std::pair<int, int>{7, 9}, {13, 5}, {1, 1}}) {
    const at::Tensor x = at::rand({2, 3, h, w});
    for (auto type : rirf::all_degradation_types()) {
      const at::Tensor y = rirf::apply(x, one(type, 70));
      EXPECT_EQ(y.sizes(), x.sizes()) << rirf::type_name(type) << " " << h << "x" << w;
      EXPECT_GE(y.min().item<float>(), 0.0f);
      EXPECT_LE(y.max().item<float>(), 1.0f);
    }
  }
  const at::Tensor batch = at::rand({3, 3, 16, 16});
  rirf::Rng rng(1);
  std::vector<rirf::DegradationPlan> plans = {rirf::sample_plan({}, rng), rirf::sample_plan({}, rng), {}};
  const at::Tensor out = rirf::apply_each(batch, plans);
  EXPECT_TRUE(at::equal(out.slice(0, 2, 3), batch.slice(0, 2, 3)));  // an empty plan changes nothing
  EXPECT_TRUE(at::equal(out.slice(0, 0, 1), rirf::apply(batch.slice(0, 0, 1), plans[0])));
}

TEST(Engine, SuitesAreFixedAndFollowTheProtocol) {
  for (const auto& suite : rirf::synth_suites()) {
    const auto a = rirf::plan_to_json(rirf::suite_plan(suite.name, 3));
    const auto b = rirf::plan_to_json(rirf::suite_plan(suite.name, 3));
    EXPECT_EQ(a, b) << suite.name;
  }
  const auto plan = rirf::suite_plan("denoise-25", 0);
  ASSERT_EQ(plan.steps.size(), 1u);
  const auto& f = std::get<rirf::NoiseFactors>(plan.steps[0].factors);
  EXPECT_EQ(f.sigma, 25.0);
  EXPECT_EQ(f.signal_dependence, 0.0);
  EXPECT_EQ(f.correlation_px, 0.0);
  EXPECT_FALSE(f.channel_shared);
  EXPECT_THROW(rirf::suite_plan("denoise-30", 0), rirf::Error);
}

TEST(Engine, RejectsBadInput) {
  EXPECT_THROW(rirf::apply(at::rand({3, 8, 8}), one(DegradationType::noise, 10)), rirf::Error);
  EXPECT_THROW(rirf::apply(at::rand({1, 1, 8, 8}), one(DegradationType::noise, 10)), rirf::Error);
  rirf::Rng rng(1);
  EXPECT_THROW(rirf::make_step(DegradationType::noise, 101, rng), rirf::Error);
  EXPECT_THROW(rirf::type_from_name("fog"), rirf::Error);
}

}  // namespace
