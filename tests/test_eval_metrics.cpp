// PSNR/SSIM against scikit-image 0.19 (Debian's python3-skimage) on real image pairs.
// The table below is the output of tests/golden/make_metrics_golden.py tests/data/golden.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "rirf/error.hpp"
#include "rirf/image_io.hpp"
#include "rirf/metrics.hpp"

namespace {

struct Golden {
  const char* pair;
  bool y_channel;
  int crop_border;
  bool gaussian;
  double psnr, ssim;
};

// scikit-image 0.19.3
const Golden kGolden[] = {
    {"p1", false, 0, false, 21.19708932, 0.54190332},
    {"p1", false, 0, true, 21.19708932, 0.51402477},
    {"p1", true, 0, false, 25.92202509, 0.67854793},
    {"p1", false, 4, false, 21.15701188, 0.54390978},
    {"p2", false, 0, false, 28.96735253, 0.80276814},
    {"p2", false, 0, true, 28.96735253, 0.78815300},
    {"p2", true, 0, false, 30.33307198, 0.81922591},
    {"p2", false, 4, false, 29.04716216, 0.81598360},
    {"p3", false, 0, false, 30.24864423, 0.86750235},
    {"p3", false, 0, true, 30.24864423, 0.86815209},
    {"p3", true, 0, false, 34.09254231, 0.92985943},
    {"p3", false, 4, false, 30.13198218, 0.86864903},
    {"p4", false, 0, false, 14.65803546, 0.72381045},
    {"p4", false, 0, true, 14.65803546, 0.73535338},
    {"p4", true, 0, false, 15.77746854, 0.76846164},
    {"p4", false, 4, false, 14.66128695, 0.71577243},
};

std::string golden_path(const std::string& name) { return std::string(RIRF_SOURCE_DIR) + "/tests/data/golden/" + name; }

TEST(Metrics, MatchScikitImageOnRealPairs) {
  for (const auto& g : kGolden) {
    SCOPED_TRACE(std::string(g.pair) + (g.y_channel ? " Y" : " RGB") + " crop " + std::to_string(g.crop_border) +
                 (g.gaussian ? " gaussian" : " uniform"));
    const auto clean = rirf::load_image(golden_path(std::string(g.pair) + "_clean.png"));
    const auto degraded = rirf::load_image(golden_path(std::string(g.pair) + "_degraded.png"));
    rirf::MetricOptions options;
    options.y_channel = g.y_channel;
    options.crop_border = g.crop_border;
    options.gaussian_window = g.gaussian;
    EXPECT_NEAR(rirf::psnr(degraded.rgb, clean.rgb, options), g.psnr, 1e-4);
    EXPECT_NEAR(rirf::ssim(degraded.rgb, clean.rgb, options), g.ssim, 1e-4);
  }
}

TEST(Metrics, IdenticalImagesArePerfect) {
  const at::Tensor x = at::rand({1, 3, 13, 9});
  EXPECT_TRUE(std::isinf(rirf::psnr(x, x)));
  EXPECT_NEAR(rirf::ssim(x, x), 1.0, 1e-12);
}

TEST(Metrics, PsnrOfAKnownError) {
  const at::Tensor a = at::zeros({1, 3, 7, 9}, at::kDouble);
  const at::Tensor b = at::full({1, 3, 7, 9}, 0.1, at::kDouble);
  EXPECT_NEAR(rirf::psnr(a, b), 20.0, 1e-9);  // mse 0.01
}

TEST(Metrics, WorseImageScoresLower) {
  const at::Tensor x = at::rand({1, 3, 32, 32});
  const at::Tensor small = (x + 0.02 * at::randn_like(x)).clamp(0, 1);
  const at::Tensor large = (x + 0.2 * at::randn_like(x)).clamp(0, 1);
  EXPECT_GT(rirf::psnr(small, x), rirf::psnr(large, x));
  EXPECT_GT(rirf::ssim(small, x), rirf::ssim(large, x));
}

TEST(Metrics, RejectsMismatchedAndTinyInputs) {
  EXPECT_THROW(rirf::psnr(at::rand({1, 3, 8, 8}), at::rand({1, 3, 8, 9})), rirf::Error);
  EXPECT_THROW(rirf::ssim(at::rand({1, 3, 5, 5}), at::rand({1, 3, 5, 5})), rirf::Error);
  rirf::MetricOptions crop;
  crop.crop_border = 4;
  EXPECT_THROW(rirf::psnr(at::rand({1, 3, 8, 8}), at::rand({1, 3, 8, 8}), crop), rirf::Error);
}

TEST(Metrics, CenterCropToMultiple) {
  const at::Tensor x = at::arange(13 * 35, at::kFloat).view({1, 1, 13, 35});
  const at::Tensor c = rirf::center_crop_to_multiple(x, 8);
  EXPECT_EQ(c.size(2), 8);
  EXPECT_EQ(c.size(3), 32);
  EXPECT_EQ(c[0][0][0][0].item<float>(), x[0][0][2][1].item<float>());
}

TEST(Metrics, LumaOfWhiteAndBlack) {
  EXPECT_NEAR(rirf::rgb_to_y(at::ones({1, 3, 1, 1})).item<double>(), 235.0 / 255.0, 1e-6);
  EXPECT_NEAR(rirf::rgb_to_y(at::zeros({1, 3, 1, 1})).item<double>(), 16.0 / 255.0, 1e-6);
}

}  // namespace
