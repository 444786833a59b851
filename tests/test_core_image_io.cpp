// Image files <-> tensors: exact round trips, colour handling, metadata, and clear errors.
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <vips/vips8>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "rirf/error.hpp"
#include "rirf/file_io.hpp"
#include "rirf/image_io.hpp"

namespace {
namespace fs = std::filesystem;

class ImageIo : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rirf_io_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    // Starts libvips through rirf, so raw vips calls below can run.
    rirf::encode_image(rirf::image_from_tensor(at::zeros({1, 3, 2, 2})), "png");
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  void write_bytes(const std::string& name, const std::vector<std::uint8_t>& bytes) const {
    rirf::write_file_atomic(path(name), bytes.data(), bytes.size());
  }
  // Files in the folder other than `keep`: none means no partial or temporary output was left.
  std::vector<std::string> stray_files(const std::set<std::string>& keep = {}) const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_))
      if (!keep.count(e.path().filename().string())) out.push_back(e.path().filename().string());
    return out;
  }
  fs::path dir_;
};

at::Tensor random_8bit(std::int64_t h, std::int64_t w) {
  return at::randint(0, 256, {1, 3, h, w}, at::kFloat) / 255.0;
}

TEST_F(ImageIo, Png8RoundTripIsExact) {
  const at::Tensor x = random_8bit(9, 7);
  rirf::save_image(rirf::image_from_tensor(x), path("a.png"));
  const auto back = rirf::load_image(path("a.png"));
  EXPECT_EQ(back.source_format, "png");
  EXPECT_EQ(back.source_bits, 8);
  EXPECT_TRUE(at::equal(back.rgb, x));
}

TEST_F(ImageIo, Png16AndTiffRoundTripsAreExact) {
  const at::Tensor x = at::randint(0, 65536, {1, 3, 5, 13}, at::kFloat) / 65535.0;
  rirf::Image image = rirf::image_from_tensor(x);
  image.source_bits = 16;
  for (const char* name : {"b.png", "b.tif"}) {
    rirf::save_image(image, path(name));
    const auto back = rirf::load_image(path(name));
    EXPECT_EQ(back.source_bits, 16) << name;
    EXPECT_LT((back.rgb - x).abs().max().item<float>(), 1e-6) << name;
  }
}

TEST_F(ImageIo, RoundingIsToNearest) {
  // 0.5/255 above a level rounds up, just below rounds down.
  const at::Tensor x = at::tensor({10.49f / 255, 10.51f / 255, 0.0f, 1.0f}).view({1, 1, 2, 2}).expand({1, 3, 2, 2});
  rirf::save_image(rirf::image_from_tensor(x.contiguous()), path("r.png"));
  const at::Tensor back = rirf::load_image(path("r.png")).rgb * 255.0;
  EXPECT_FLOAT_EQ(back[0][0][0][0].item<float>(), 10.0f);
  EXPECT_FLOAT_EQ(back[0][0][0][1].item<float>(), 11.0f);
}

TEST_F(ImageIo, JpegQualityAndWebpWork) {
  const at::Tensor x = at::upsample_bilinear2d(at::rand({1, 3, 8, 8}), {64, 64}, false);
  SCOPED_TRACE("lossy formats");
  rirf::SaveOptions low, high;
  low.quality = 10;
  high.quality = 95;
  const auto small = rirf::encode_image(rirf::image_from_tensor(x), "jpeg", low);
  const auto big = rirf::encode_image(rirf::image_from_tensor(x), "jpeg", high);
  EXPECT_LT(small.size(), big.size());
  rirf::save_image(rirf::image_from_tensor(x), path("c.webp"), high);
  const auto back = rirf::load_image(path("c.webp"));
  EXPECT_EQ(back.source_format, "webp");
  EXPECT_LT((back.rgb - x).abs().mean().item<float>(), 0.02);
}

TEST_F(ImageIo, GreyBecomesRgb) {
  vips::VImage grey = vips::VImage::black(11, 7) + 100;
  grey.cast(VIPS_FORMAT_UCHAR).write_to_file(path("g.png").c_str());
  const auto image = rirf::load_image(path("g.png"));
  ASSERT_EQ(image.rgb.size(1), 3);
  EXPECT_NEAR(image.rgb.mean().item<float>(), 100.0 / 255.0, 1e-6);
  EXPECT_FALSE(image.alpha.defined());
}

TEST_F(ImageIo, AlphaIsKeptForPngAndFlattenedForJpeg) {
  rirf::Image image = rirf::image_from_tensor(at::zeros({1, 3, 6, 5}));  // black
  image.alpha = at::zeros({1, 1, 6, 5});                                 // fully transparent
  rirf::save_image(image, path("a.png"));
  const auto png = rirf::load_image(path("a.png"));
  ASSERT_TRUE(png.alpha.defined());
  EXPECT_EQ(png.alpha.max().item<float>(), 0.0f);
  rirf::save_image(image, path("a.jpg"));
  const auto jpg = rirf::load_image(path("a.jpg"));
  EXPECT_FALSE(jpg.alpha.defined());
  EXPECT_GT(jpg.rgb.min().item<float>(), 0.95f);  // transparent black on white is white
}

TEST_F(ImageIo, ExifOrientationIsApplied) {
  // A 12x4 image tagged "rotate 90 CW" (orientation 6) reads back as 4x12.
  vips::VImage img = (vips::VImage::black(12, 4, vips::VImage::option()->set("bands", 3)) + 50).cast(VIPS_FORMAT_UCHAR);
  img.set("orientation", 6);
  img.write_to_file(path("o.jpg").c_str());
  const auto image = rirf::load_image(path("o.jpg"));
  EXPECT_EQ(image.width(), 4);
  EXPECT_EQ(image.height(), 12);
  // Saved with its EXIF kept, the upright image must not be rotated again on the next load.
  for (const char* name : {"o2.jpg", "o2.png", "o2.webp", "o2.tif"}) {
    rirf::save_image(image, path(name));
    const auto again = rirf::load_image(path(name));
    EXPECT_EQ(again.width(), 4) << name;
    EXPECT_EQ(again.height(), 12) << name;
  }
}

TEST_F(ImageIo, IccTaggedImageIsConvertedToSrgb) {
  // Saturated sRGB red stored with a Display P3 profile has different numbers in the file; loading
  // must convert back to (nearly) the sRGB values.
  const at::Tensor x = at::tensor({0.8f, 0.1f, 0.1f}).view({1, 3, 1, 1}).expand({1, 3, 8, 8}).contiguous();
  const auto png = rirf::encode_image(rirf::image_from_tensor(x), "png");
  vips::VImage img = vips::VImage::new_from_buffer(png.data(), png.size(), "");
  img = img.icc_export(vips::VImage::option()->set("output_profile", "p3"));
  img.write_to_file(path("p3.png").c_str());
  const auto raw = vips::VImage::new_from_file(path("p3.png").c_str());
  ASSERT_NE(raw.get_typeof("icc-profile-data"), 0u);
  std::size_t length = 0;
  const auto* stored = static_cast<const std::uint8_t*>(raw.write_to_memory(&length));
  const float stored_red = stored[0] / 255.0f;  // the P3 numbers as they sit in the file
  g_free(const_cast<std::uint8_t*>(stored));
  EXPECT_GT(std::abs(stored_red - 0.8f), 0.03f);
  const auto image = rirf::load_image(path("p3.png"));
  EXPECT_FALSE(image.metadata.icc.empty());
  // Two 8-bit quantisations and a profile round trip: within a few levels of the original.
  EXPECT_LT((image.rgb - x).abs().max().item<float>(), 6.0 / 255.0);
}

TEST_F(ImageIo, MetadataIsKeptUnlessStripped) {
  vips::VImage img = (vips::VImage::black(8, 8, vips::VImage::option()->set("bands", 3)) + 80).cast(VIPS_FORMAT_UCHAR);
  img.set("exif-ifd0-Artist", "rirf test");
  img.write_to_file(path("m.jpg").c_str());
  const auto image = rirf::load_image(path("m.jpg"));
  ASSERT_FALSE(image.metadata.exif.empty());
  rirf::save_image(image, path("kept.png"));
  EXPECT_FALSE(rirf::load_image(path("kept.png")).metadata.exif.empty());
  rirf::SaveOptions strip;
  strip.strip_metadata = true;
  rirf::save_image(image, path("stripped.png"), strip);
  EXPECT_TRUE(rirf::load_image(path("stripped.png")).metadata.exif.empty());
}

TEST_F(ImageIo, BadFilesGetClearErrors) {
  const auto png = rirf::encode_image(rirf::image_from_tensor(random_8bit(64, 64)), "png");
  const auto jpg = rirf::encode_image(rirf::image_from_tensor(random_8bit(64, 64)), "jpeg");
  write_bytes("truncated.png", std::vector<std::uint8_t>(png.begin(), png.begin() + png.size() / 2));
  write_bytes("truncated.jpg", std::vector<std::uint8_t>(jpg.begin(), jpg.begin() + jpg.size() / 2));
  write_bytes("empty.png", {});
  rirf::write_file_atomic(path("text.png"), std::string("this is not an image\n"));
  rirf::write_file_atomic(path("image.ppm"), std::string("P3\n1 1\n255\n0 0 0\n"));  // a blocked loader
  const std::pair<const char*, const char*> cases[] = {
      {"missing.png", "no such file"},   {"truncated.png", "cannot read"}, {"truncated.jpg", "cannot read"},
      {"empty.png", "empty"},            {"text.png", "not a PNG, JPEG"},  {"image.ppm", "not a PNG, JPEG"},
  };
  for (const auto& [name, expected] : cases) {
    try {
      rirf::load_image(path(name));
      ADD_FAILURE() << name << " loaded";
    } catch (const rirf::Error& e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << name << ": " << e.what();
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(rirf::load_image(dir_.string()), rirf::Error);
}

TEST_F(ImageIo, DamagedJpegScanDataIsRefused) {
  // libjpeg decodes scan data with flipped bits by filling the lost blocks with grey and only
  // warns; the image must be refused, not restored with grey holes.
  const auto photo = rirf::load_image(std::string(RIRF_SOURCE_DIR) + "/tests/data/golden/p1_clean.png");
  const auto jpg = rirf::encode_image(rirf::image_from_tensor(photo.rgb), "jpeg");
  auto damaged = jpg;
  for (std::size_t i = jpg.size() / 2; i < jpg.size() / 2 + 40; ++i) damaged[i] = i % 2 ? 0xFF : 0x00;
  write_bytes("damaged.jpg", damaged);
  try {
    rirf::load_image(path("damaged.jpg"));
    ADD_FAILURE() << "a JPEG with damaged scan data loaded";
  } catch (const rirf::Error& e) {
    EXPECT_NE(std::string(e.what()).find("damaged JPEG data"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(rirf::decode_image(jpg.data(), jpg.size()));  // the intact file still loads
}

TEST_F(ImageIo, ProbeReadsTheHeaderAndMakesTheSameChecks) {
  rirf::save_image(rirf::image_from_tensor(random_8bit(40, 50)), path("ok.png"));
  const auto info = rirf::probe_image(path("ok.png"));
  EXPECT_EQ(info.width, 50);
  EXPECT_EQ(info.height, 40);
  EXPECT_EQ(info.format, "png");
  rirf::LoadOptions small;
  small.max_pixels = 100;
  EXPECT_THROW(rirf::probe_image(path("ok.png"), small), rirf::Error);
  rirf::write_file_atomic(path("text.png"), std::string("this is not an image\n"));
  EXPECT_THROW(rirf::probe_image(path("text.png")), rirf::Error);
  EXPECT_THROW(rirf::probe_image(path("missing.png")), rirf::Error);
}

// A valid PNG whose IHDR claims `width` x `height` (CRC fixed up), with only 4x4 pixels of data.
std::vector<std::uint8_t> png_claiming(std::uint32_t width, std::uint32_t height) {
  auto png = rirf::encode_image(rirf::image_from_tensor(at::zeros({1, 3, 4, 4})), "png");
  // Signature (8), IHDR length (4), "IHDR" (4), then width and height big-endian at 16 and 20.
  for (int i = 0; i < 4; ++i) {
    png[16 + i] = static_cast<std::uint8_t>(width >> (24 - 8 * i));
    png[20 + i] = static_cast<std::uint8_t>(height >> (24 - 8 * i));
  }
  const std::uint32_t crc = static_cast<std::uint32_t>(crc32(0, png.data() + 12, 17));  // type + 13 data bytes
  for (int i = 0; i < 4; ++i) png[29 + i] = static_cast<std::uint8_t>(crc >> (24 - 8 * i));
  return png;
}

TEST_F(ImageIo, HugeAndZeroSizedHeadersAreRefused) {
  const auto huge = png_claiming(100000, 100000);
  try {
    rirf::decode_image(huge.data(), huge.size(), {}, "huge.png");
    ADD_FAILURE() << "a 10-gigapixel header was accepted";
  } catch (const rirf::Error& e) {
    EXPECT_NE(std::string(e.what()).find("over the limit"), std::string::npos) << e.what();
  }
  const auto zero = png_claiming(0, 4);
  EXPECT_THROW(rirf::decode_image(zero.data(), zero.size(), {}, "zero.png"), rirf::Error);
  const auto lying = png_claiming(3000, 3000);  // within the limit, but the data runs out
  EXPECT_THROW(rirf::decode_image(lying.data(), lying.size(), {}, "lying.png"), rirf::Error);
}

TEST_F(ImageIo, FuzzFoundCorruptPngFailsEveryTime) {
  // Found by the fuzzer: with several libvips workers this file was sometimes accepted as a
  // partial image and sometimes aborted the process. It must fail the same way every time.
  const std::string file = std::string(RIRF_SOURCE_DIR) + "/tests/data/fuzz/threadpool_race_rgba.png";
  for (int i = 0; i < 20; ++i) EXPECT_THROW(rirf::load_image(file), rirf::Error) << "attempt " << i;
}

TEST_F(ImageIo, PixelLimitIsCheckedBeforeDecoding) {
  rirf::save_image(rirf::image_from_tensor(random_8bit(40, 50)), path("big.png"));
  rirf::LoadOptions options;
  options.max_pixels = 1999;
  EXPECT_THROW(rirf::load_image(path("big.png"), options), rirf::Error);
  options.max_pixels = 2000;
  EXPECT_NO_THROW(rirf::load_image(path("big.png"), options));
}

TEST_F(ImageIo, FailedWritesLeaveNothingBehind) {
  const auto image = rirf::image_from_tensor(random_8bit(4, 4));
  EXPECT_THROW(rirf::save_image(image, path("no_such_dir/x.png")), rirf::Error);
  EXPECT_THROW(rirf::save_image(image, path("x.bmp")), rirf::Error);
  rirf::SaveOptions bad;
  bad.quality = 0;
  EXPECT_THROW(rirf::save_image(image, path("x.jpg"), bad), rirf::Error);
  EXPECT_TRUE(stray_files().empty());
  rirf::save_image(image, path("ok.png"));
  EXPECT_EQ(stray_files({"ok.png"}).size(), 0u);  // the temporary file was renamed, not left
}

TEST_F(ImageIo, DecodesFromMemory) {
  const at::Tensor x = random_8bit(3, 17);
  const auto bytes = rirf::encode_image(rirf::image_from_tensor(x), "tiff");
  EXPECT_TRUE(at::equal(rirf::decode_image(bytes.data(), bytes.size()).rgb, x));
  const std::vector<std::uint8_t> junk(100, 0x42);
  EXPECT_THROW(rirf::decode_image(junk.data(), junk.size()), rirf::Error);
}

}  // namespace
