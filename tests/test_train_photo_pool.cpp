// Training crops: at zoom 1 an exact 8-bit window of a photo; zoomed out, a larger region
// area-averaged down, so a ramp of one level per pixel steps by the zoom factor. Crops inside
// regions: the crop is a window of the region, and haze made on the region varies across the
// crop as little as on a whole photo.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <cmath>
#include <filesystem>

#include "rirf/degrade.hpp"
#include "rirf/image_io.hpp"
#include "rirf/safetensors.hpp"
#include "rirf/train.hpp"
#include "test_util.hpp"
#include "rirf/suites.hpp"
#include "train/photo_pool.hpp"
#include "train/restoration_pairs.hpp"
#include "train/quantise.hpp"

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

TEST(Validation, ScoresTheBenchmarkSuitesWithTheBenchmarksPlans) {
  // The trainers' validation is each photo clean and through every suite of bench_restorer,
  // with the plan the benchmark draws for the same image index.
  const std::string path = ramp_pack();
  const rirf::PhotoPool pool({path, path}, 64);  // two photos: indexes 0 and 1
  const rirf::train::Pairs val = rirf::train::make_validation(pool, 64);
  const auto& suites = rirf::synth_suites();
  ASSERT_EQ(val.task.size(), 2 * (suites.size() + 1));
  ASSERT_EQ(val.degraded.size(0), static_cast<std::int64_t>(val.task.size()));
  for (std::size_t image = 0; image < 2; ++image) {
    const std::size_t first = image * (suites.size() + 1);
    EXPECT_EQ(val.task[first], "clean");
    EXPECT_TRUE(at::equal(val.degraded[first], pool.center_crop(image, 64)[0]));
    for (std::size_t s = 0; s < suites.size(); ++s) {
      const std::size_t i = first + 1 + s;
      EXPECT_EQ(val.task[i], suites[s].name);
      const at::Tensor expected =
          rirf::train::quantise(rirf::apply(pool.center_crop(image, 64), rirf::suite_plan(suites[s].name, image)));
      EXPECT_TRUE(at::equal(val.degraded[i], expected[0])) << suites[s].name << " image " << image;
    }
  }
  std::filesystem::remove(path);
}

TEST(PhotoPool, JpegPacksHoldWholePhotosCloseToTheirPixels) {
  // A 200x136 photo with smooth shading and fine texture, as a PNG in its own folder.
  const std::filesystem::path dir = rirf::test::temp_path("pool", "jpegpack");
  std::filesystem::create_directories(dir);
  const at::Tensor y = at::linspace(0, 1, 136).view({1, 1, 136, 1}), x = at::linspace(0, 1, 200).view({1, 1, 1, 200});
  const at::Tensor channels = at::cat({0.2 + 0.6 * x * y, 0.5 + 0.3 * at::sin(x * 40) * y, 0.8 - 0.5 * y + 0.0 * x}, 1);
  rirf::save_image(rirf::image_from_tensor(channels.contiguous()), (dir / "photo.png").string());
  const at::Tensor original = (channels[0] * 255.0).round().to(at::kByte);

  rirf::PackOptions options;
  options.data_dirs = {dir.string()};
  options.max_side = 4096;
  options.out = (dir / "raw.safetensors").string();
  rirf::pack_photos(options);
  options.quality = 95;
  options.out = (dir / "jpeg.safetensors").string();
  EXPECT_NE(rirf::pack_photos(options).find("as JPEG quality 95"), std::string::npos);

  const rirf::PhotoPool raw({(dir / "raw.safetensors").string()}, 32), jpeg({options.out}, 32);
  ASSERT_EQ(jpeg.size(), 1u);
  EXPECT_TRUE(at::equal(raw.photo(0), original));  // raw packs are exact
  ASSERT_EQ(jpeg.photo(0).sizes(), original.sizes());  // the whole photo, not a crop
  const double mse = (jpeg.photo(0).to(at::kDouble) - original.to(at::kDouble)).pow(2).mean().item<double>();
  EXPECT_GT(10.0 * std::log10(255.0 * 255.0 / mse), 40.0);
  EXPECT_LT(std::filesystem::file_size(options.out), std::filesystem::file_size(dir / "raw.safetensors") / 2);

  // A pack entry of bytes that are no JPEG gets a clear error naming the entry.
  rirf::TensorFile broken;
  broken.tensors["photo_000000"] = at::arange(200, at::kByte);
  const std::string broken_path = (dir / "broken.safetensors").string();
  rirf::save_safetensors(broken_path, broken);
  rirf::test::expect_error_containing([&] { rirf::PhotoPool({broken_path}, 32); }, "'photo_000000' holds no readable JPEG");
  // So does a JPEG cut short (libjpeg would fill the rest with grey and only warn).
  const rirf::TensorFile whole = rirf::load_safetensors(options.out);
  const at::Tensor bytes = whole.tensors.at("photo_000000");
  broken.tensors["photo_000000"] = bytes.slice(0, 0, bytes.size(0) / 2).clone();
  rirf::save_safetensors(broken_path, broken);
  rirf::test::expect_error_containing([&] { rirf::PhotoPool({broken_path}, 32); }, "truncated or corrupt");
  std::filesystem::remove_all(dir);
}

}  // namespace
