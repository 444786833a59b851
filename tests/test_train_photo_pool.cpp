// Training crops: at zoom 1 an exact 8-bit window of a photo; zoomed out, a larger region
// area-averaged down, so a ramp of one level per pixel steps by the zoom factor.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <filesystem>

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

}  // namespace
