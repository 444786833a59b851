// Training crops: at zoom 1 an exact 8-bit window of a photo; zoomed out, a larger region
// area-averaged down, so a ramp of one level per pixel steps by the zoom factor. Crops inside
// regions: the crop is a window of the region, and haze made on the region varies across the
// crop as little as on a whole photo.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <filesystem>

#include "rirf/degrade.hpp"
#include "rirf/safetensors.hpp"
#include "test_util.hpp"
#include "train/photo_pool.hpp"

namespace {

// A pack of one 256x256 photo whose value is its column (0..255) in every channel.
std::string ramp_pack() {
  const std::string path = rirf::test::temp_path("pool", "ramp.safetensors");
  rirf::TensorFile file;
  file.tensors["photo_000000"] = at::arange(256, at::kByte).expand({3, 256, 256}).contiguous();
  rirf::save_safetensors(path, file);
  return path;
}

// Mean absolute step between neighbouring columns, in 8-bit levels.
double column_step(const at::Tensor& crop) {
  return (crop.slice(3, 1) - crop.slice(3, 0, -1)).abs().mean().item<double>() * 255.0;
}

TEST(PhotoPool, CropsAtZoomOneAreExactWindows) {
  const std::string path = ramp_pack();
  const rirf::PhotoPool pool({path}, 64);
  rirf::Rng rng(3);
  for (int i = 0; i < 20; ++i) {
    const at::Tensor crop = pool.random_crop(rng, 64);
    ASSERT_EQ(crop.sizes(), (at::IntArrayRef{1, 3, 64, 64}));
    EXPECT_NEAR(column_step(crop), 1.0, 1e-4);
    EXPECT_TRUE(at::allclose(crop * 255.0, (crop * 255.0).round(), 0, 1e-3));  // 8-bit values
  }
  std::filesystem::remove(path);
}

TEST(PhotoPool, ZoomedOutCropsAreDownscaledRegions) {
  const std::string path = ramp_pack();
  const rirf::PhotoPool pool({path}, 64);
  rirf::Rng rng(4);
  double largest = 0;
  for (int i = 0; i < 40; ++i) {
    const at::Tensor crop = pool.random_crop(rng, 64, 4.0);
    ASSERT_EQ(crop.sizes(), (at::IntArrayRef{1, 3, 64, 64}));
    const double step = column_step(crop);
    EXPECT_GE(step, 1.0 - 1e-4);
    EXPECT_LE(step, 4.0 + 1e-3);  // the region is at most 4 x 64 = 256 px, the whole photo
    EXPECT_GE(crop.min().item<double>(), 0.0);
    EXPECT_LE(crop.max().item<double>(), 1.0);
    largest = std::max(largest, step);
  }
  EXPECT_GT(largest, 2.5);  // some crops come from regions well over twice the crop
  std::filesystem::remove(path);
}

TEST(PhotoPool, RegionsHoldTheirCropOnTheGrid) {
  const std::string path = ramp_pack();
  const rirf::PhotoPool pool({path}, 64);
  rirf::Rng rng(5);
  std::int64_t largest = 0;
  for (int i = 0; i < 30; ++i) {
    const rirf::CropRegion region = pool.random_region(rng, 64, 512);
    const auto side = region.pixels.size(2);
    ASSERT_EQ(region.pixels.sizes(), (at::IntArrayRef{1, 3, side, side}));
    EXPECT_GE(side, 64);
    EXPECT_LE(side, 256);  // capped by the photo
    EXPECT_EQ(side % 8, 0);
    EXPECT_EQ(region.top % 8, 0);
    EXPECT_EQ(region.left % 8, 0);
    EXPECT_LE(region.top + 64, side);
    EXPECT_LE(region.left + 64, side);
    const at::Tensor crop = region.cut(region.pixels);
    ASSERT_EQ(crop.sizes(), (at::IntArrayRef{1, 3, 64, 64}));
    EXPECT_NEAR(column_step(crop), 1.0, 1e-4);  // a window at full resolution
    largest = std::max(largest, side);
  }
  EXPECT_GT(largest, 160);
  std::filesystem::remove(path);
}

TEST(PhotoPool, HazeMadeOnTheRegionIsNearlyUniformAcrossTheCrop) {
  // A flat grey photo: the haze's depth is its vertical ramp alone, so the hazed crop's spread
  // from its top row to its bottom row measures how much of the depth range the crop spans.
  rirf::CropRegion region;
  region.pixels = at::full({1, 3, 512, 512}, 0.2f);
  region.top = 224;
  region.left = 224;
  region.crop = 64;
  rirf::Rng rng(6);
  const rirf::DegradationPlan plan{{rirf::make_step(rirf::DegradationType::haze, 60, rng)}};
  const auto top_to_bottom = [](const at::Tensor& x) {
    return (x.slice(2, 0, 1).mean() - x.slice(2, -1).mean()).abs().item<double>();
  };
  const double on_region = top_to_bottom(rirf::degrade_in_region(region, plan));
  const double on_crop = top_to_bottom(rirf::apply(region.cut(region.pixels), plan));
  EXPECT_GT(on_crop, 0.05);
  EXPECT_LT(on_region, on_crop / 4);  // 64 of 512 rows: about an eighth of the depth range
  // Steps that act locally are made on the crop: without haze the region changes nothing.
  const rirf::DegradationPlan noise{{rirf::make_step(rirf::DegradationType::noise, 40, rng)}};
  EXPECT_TRUE(at::equal(rirf::degrade_in_region(region, noise), rirf::apply(region.cut(region.pixels), noise)));
}

}  // namespace
