// safetensors: exact round trips and clear errors for broken files.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "rirf/error.hpp"
#include "rirf/file_io.hpp"
#include "rirf/safetensors.hpp"
#include "test_util.hpp"

namespace {
namespace fs = std::filesystem;

std::string safetensors_temp_path(const std::string& name) { return rirf::test::temp_path("st", name); }

TEST(Safetensors, RoundTripIsExact) {
  rirf::TensorFile file;
  file.tensors["block.0.weight"] = at::randn({4, 3, 3, 3});
  file.tensors["block.0.bias"] = at::randn({4}, at::kDouble);
  file.tensors["steps"] = at::tensor({int64_t{7}});
  file.tensors["empty"] = at::empty({0, 5});
  file.metadata["format"] = "pt";
  const std::string path = safetensors_temp_path("rt.safetensors");
  rirf::save_safetensors(path, file);
  const auto back = rirf::load_safetensors(path);
  fs::remove(path);
  ASSERT_EQ(back.tensors.size(), file.tensors.size());
  for (const auto& [name, t] : file.tensors) {
    ASSERT_TRUE(back.tensors.count(name)) << name;
    EXPECT_EQ(back.tensors.at(name).scalar_type(), t.scalar_type()) << name;
    EXPECT_TRUE(at::equal(back.tensors.at(name), t)) << name;
  }
  EXPECT_EQ(back.metadata.at("format"), "pt");
}

TEST(Safetensors, BrokenFilesGetClearErrors) {
  const std::string path = safetensors_temp_path("bad.safetensors");
  const auto expect_error = [&](const std::string& content, const std::string& expected) {
    rirf::write_file_atomic(path, content);
    rirf::test::expect_error_containing([&] { rirf::load_safetensors(path); }, expected);
  };
  const auto with_header = [](const std::string& header, std::size_t data_bytes) {
    std::string out(8, '\0');
    for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((header.size() >> (8 * i)) & 0xff);
    return out + header + std::string(data_bytes, '\0');
  };
  expect_error("abc", "too short");
  expect_error(std::string(8, '\xff'), "bad header length");
  expect_error(with_header("{not json", 0), "not JSON");
  expect_error(with_header(R"({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}})", 4), "outside the file");
  expect_error(with_header(R"({"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}})", 8), "shape needs 12");
  expect_error(with_header(R"({"w": {"dtype": "X9", "shape": [2], "data_offsets": [0, 8]}})", 8), "unsupported dtype");
  expect_error(with_header(R"({"w": {"dtype": "F32", "shape": [2]}})", 8), "needs dtype, shape and data_offsets");
  expect_error(with_header(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                               "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})", 12), "overlap");
  fs::remove(path);
  EXPECT_THROW(rirf::load_safetensors(safetensors_temp_path("missing")), rirf::Error);
}

}  // namespace
