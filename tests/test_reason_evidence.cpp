// The measured evidence: each estimator responds to its degradation, and a batch gives the same
// numbers as one image at a time (the trainer measures batches, the reasoners single tiles).
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "reason/evidence.hpp"
#include "reason/measured_noise.hpp"
#include "rirf/degrade.hpp"
#include "rirf/error.hpp"
#include "rirf/image_io.hpp"

namespace {
using rirf::DegradationType;
namespace ev = rirf::evidence;

at::Tensor scene() {
  return rirf::load_image(std::string(RIRF_SOURCE_DIR) + "/tests/data/golden/p2_clean.png").rgb;
}
at::Tensor quantised(const at::Tensor& x) { return (x * 255.0).round() / 255.0; }
at::Tensor degraded(const rirf::DegradationStep& step) { return quantised(rirf::apply(scene(), {{step}})); }

TEST(Evidence, JpegQualityFromTheQuantiser) {
  EXPECT_EQ(ev::jpeg_trace(quantised(scene())).quality[0].item<double>(), 100.0);
  for (int q : {30, 50, 75}) {
    const auto trace = ev::jpeg_trace(degraded({DegradationType::jpeg, rirf::JpegFactors{q}, 0}));
    EXPECT_NEAR(trace.quality[0].item<double>(), q, 6.0) << "quality " << q;
    EXPECT_GT(trace.found[0].item<double>(), 0.5);
  }
}

TEST(Evidence, NoiseSigmaOnAFlatImage) {
  for (double sigma : {5.0, 15.0, 40.0}) {
    const at::Tensor grey = at::full({1, 3, 128, 128}, 0.5);
    const at::Tensor noisy = quantised(rirf::apply(grey, {{{DegradationType::noise, rirf::NoiseFactors{sigma}, 7}}}));
    EXPECT_NEAR(ev::noise_sigma(noisy)[0].item<double>(), sigma, 0.1 * sigma + 0.5) << "sigma " << sigma;
  }
}

TEST(Evidence, MidtoneNoiseSigmaIsTheSigmaAtMidGrey) {
  // A ramp from black to white with mostly signal-dependent noise: over all flat pixels the
  // estimate depends on how the picture's brightness is spread; in the mid-tones it is sigma.
  const at::Tensor ramp = at::linspace(0.02, 0.98, 512).view({1, 1, 1, 512}).expand({1, 3, 128, 512}).contiguous();
  for (double sigma : {8.0, 20.0, 40.0}) {
    rirf::NoiseFactors f{sigma};
    f.signal_dependence = 0.8;
    const at::Tensor noisy = quantised(rirf::apply(ramp, {{{DegradationType::noise, f, 3}}}));
    EXPECT_NEAR(ev::midtone_noise_sigma(noisy), sigma, 0.06 * sigma + 0.5) << "sigma " << sigma;
  }
  EXPECT_LT(ev::midtone_noise_sigma(quantised(ramp)), 0.5);
  // No mid-tones to measure: a dark picture.
  EXPECT_EQ(ev::midtone_noise_sigma(at::full({1, 3, 64, 64}, 0.1)), -1.0);
}

TEST(MeasuredNoise, ReplacesTheNetworksSigmaOnlyWhereTheyAgreeAndNoiseIsAlone) {
  const auto noisy = [](double sigma) {
    rirf::Diagnosis d;
    rirf::Finding& f = d.finding(DegradationType::noise);
    f.present = true;
    f.confidence = 0.9;
    f.severity = rirf::severity_from_factor(DegradationType::noise, sigma);
    f.factors = {{"sigma", sigma}};
    return d;
  };
  rirf::Diagnosis d = noisy(20);
  rirf::adopt_measured_noise_sigma(d, 23);
  EXPECT_DOUBLE_EQ(d.finding(DegradationType::noise).factors["sigma"].get<double>(), 23);
  EXPECT_DOUBLE_EQ(d.finding(DegradationType::noise).severity, rirf::severity_from_factor(DegradationType::noise, 23));
  for (double measured : {14.0, 26.0, -1.0}) {  // disagrees (correlated noise, texture) or none
    d = noisy(20);
    rirf::adopt_measured_noise_sigma(d, measured);
    EXPECT_DOUBLE_EQ(d.finding(DegradationType::noise).factors["sigma"].get<double>(), 20) << measured;
  }
  d = noisy(20);  // beside another degradation the noise was changed after it was made
  d.finding(DegradationType::blur).present = true;
  rirf::adopt_measured_noise_sigma(d, 21);
  EXPECT_DOUBLE_EQ(d.finding(DegradationType::noise).factors["sigma"].get<double>(), 20);
  d = noisy(20);  // nothing found: nothing to refine
  d.finding(DegradationType::noise).present = false;
  rirf::adopt_measured_noise_sigma(d, 21);
  EXPECT_DOUBLE_EQ(d.finding(DegradationType::noise).factors["sigma"].get<double>(), 20);
}

TEST(Evidence, BuildingBlocksMatchTheLibtorchOpsExactly) {
  // Rows with ties, zeros and negative values, and a tiny row.
  const at::Tensor rows = at::cat({(at::randn({4, 1001}) * 3.0).round(), at::randn({4, 1001}).clamp_min(0.0)}, 0);
  for (std::int64_t k : {std::int64_t{1}, std::int64_t{2}, std::int64_t{501}, std::int64_t{990}, std::int64_t{1001}})
    EXPECT_TRUE(at::equal(ev::kth_smallest(rows, k), std::get<0>(rows.kthvalue(k, 1)))) << k;
  EXPECT_TRUE(at::equal(ev::kth_smallest(at::full({2, 1}, -0.5), 1), at::full({2}, -0.5)));
  EXPECT_THROW(ev::kth_smallest(rows, 0), rirf::Error);
  EXPECT_THROW(ev::kth_smallest(rows, 1002), rirf::Error);
  for (const auto& sizes : std::vector<std::vector<std::int64_t>>{{2, 1, 37, 29}, {1, 3, 5, 40}, {1, 1, 1, 1}}) {
    const at::Tensor x = at::rand(sizes);
    const at::Tensor ref = -at::max_pool2d(at::max_pool2d(-x, {15, 1}, {1, 1}, {7, 0}), {1, 15}, {1, 1}, {0, 7});
    EXPECT_TRUE(at::equal(ev::patch_minimum(x), ref));
  }
}

TEST(Evidence, HazeAndBlurGrowWithTheirDegradation) {
  double last = ev::haze_density(quantised(scene()))[0].item<double>();
  for (double density : {0.3, 0.6}) {
    rirf::HazeFactors haze;
    haze.density = density;
    const double d = ev::haze_density(degraded({DegradationType::haze, haze, 0}))[0].item<double>();
    EXPECT_GT(d, last + 0.1) << "density " << density;
    last = d;
  }
  rirf::Rng rng(5);
  const double sharp = ev::gradient_energy_ratio(quantised(scene()))[0].item<double>();
  const double soft = ev::gradient_energy_ratio(degraded(rirf::make_step(DegradationType::blur, 50, rng)))[0].item<double>();
  EXPECT_GT(soft, sharp + 0.1);
  EXPECT_EQ(ev::gradient_energy_ratio(at::full({1, 3, 32, 32}, 0.3))[0].item<double>(), 0.0);
  const double sharp_edges = ev::edge_sharpness_ratio(quantised(scene()), 1.0)[0].item<double>();
  const double soft_edges =
      ev::edge_sharpness_ratio(degraded(rirf::make_step(DegradationType::blur, 50, rng)), 1.0)[0].item<double>();
  EXPECT_GT(soft_edges, sharp_edges + 0.1);
  EXPECT_EQ(ev::edge_sharpness_ratio(at::full({1, 3, 32, 32}, 0.3), 1.0)[0].item<double>(), 0.0);
}

TEST(Evidence, DirectionalSharpnessSeesMotionBlur) {
  // A motion blur leaves the edges across its direction sharp: the most blurred direction reads
  // much softer than in the sharp image, and softer than the least blurred one.
  rirf::BlurFactors motion;
  motion.kind = rirf::BlurKind::motion;
  motion.extent_px = 10;
  motion.angle_deg = 30;
  const at::Tensor sharp = ev::directional_sharpness_ratio(quantised(scene()), 1.0);
  const at::Tensor smeared = ev::directional_sharpness_ratio(degraded({DegradationType::blur, motion, 0}), 1.0);
  ASSERT_EQ(sharp.sizes(), (at::IntArrayRef{1, 2}));
  EXPECT_GT(smeared[0][0].item<double>(), sharp[0][0].item<double>() + 0.1);
  EXPECT_GT(smeared[0][0].item<double>(), smeared[0][1].item<double>() + 0.05);
}

TEST(Evidence, RainAndToneRespondToTheirDegradation) {
  rirf::Rng rng(3);
  const double dry = ev::rain_coverage(quantised(scene()))[0].item<double>();
  const double wet = ev::rain_coverage(degraded(rirf::make_step(DegradationType::rain, 60, rng)))[0].item<double>();
  EXPECT_GT(wet, dry + 0.01);
  const at::Tensor clear = ev::tone_statistics(quantised(scene()));
  const at::Tensor hazy = ev::tone_statistics(degraded(rirf::make_step(DegradationType::haze, 60, rng)));
  const at::Tensor dark = ev::tone_statistics(degraded(rirf::make_step(DegradationType::low_light, 60, rng)));
  EXPECT_GT(hazy[0][0].item<double>(), clear[0][0].item<double>() + 0.05);  // black level lifted
  EXPECT_LT(hazy[0][3].item<double>(), clear[0][3].item<double>());          // colour washed out
  EXPECT_LT(dark[0][2].item<double>(), clear[0][2].item<double>() - 0.1);    // highlights pulled down
}

TEST(Evidence, ABatchMatchesOneImageAtATime) {
  rirf::Rng rng(9);
  const at::Tensor images = at::cat({quantised(scene()), degraded(rirf::make_step(DegradationType::noise, 50, rng)),
                                     degraded({DegradationType::jpeg, rirf::JpegFactors{40}, 0})},
                                    0);
  const at::Tensor batch = ev::evidence_vector(images);
  ASSERT_EQ(batch.sizes(), (at::IntArrayRef{3, ev::kEvidenceSize}));
  EXPECT_TRUE(batch.isfinite().all().item<bool>());
  for (int i = 0; i < 3; ++i) {
    const at::Tensor one = ev::evidence_vector(images.slice(0, i, i + 1));
    EXPECT_TRUE(at::allclose(batch.slice(0, i, i + 1), one, 1e-5, 1e-5)) << "image " << i;
  }
  EXPECT_EQ(ev::jpeg_trace(at::rand({2, 3, 12, 12})).quality.size(0), 2);  // too small: "no trace"
}

}  // namespace
