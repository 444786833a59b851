// JPEG bytes through libjpeg, with the settings of a camera or a web upload, which are also
// libvips' defaults (rirf's image writer): the standard tables scaled to the quality, 4:2:0
// chroma subsampling below quality 90, the accurate integer DCT, fancy upsampling on decode.
// libjpeg directly rather than through the image I/O, so that the degradation engine needs no
// image library: a GPU training node carries libjpeg alone.
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <jpeglib.h>

#include "degrade/jpeg_codec.hpp"
#include "rirf/error.hpp"

namespace rirf::detail {
namespace {

// libjpeg's default error handler exits the process; this one jumps back with the message.
struct ErrorManager {
  jpeg_error_mgr base;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void on_error(j_common_ptr info) {
  auto* self = reinterpret_cast<ErrorManager*>(info->err);
  (*info->err->format_message)(info, self->message);
  std::longjmp(self->jump, 1);
}

}  // namespace

std::vector<std::uint8_t> encode_jpeg(const at::Tensor& rgb8, int quality) {
  const at::Tensor hwc = rgb8.permute({1, 2, 0}).contiguous();
  const int height = static_cast<int>(hwc.size(0)), width = static_cast<int>(hwc.size(1));
  const auto* pixels = hwc.data_ptr<std::uint8_t>();
  jpeg_compress_struct info{};
  ErrorManager error{};
  info.err = jpeg_std_error(&error.base);
  error.base.error_exit = on_error;
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  if (setjmp(error.jump)) {
    jpeg_destroy_compress(&info);
    std::free(buffer);
    throw Error(std::string("JPEG: encoding failed: ") + error.message);
  }
  jpeg_create_compress(&info);
  jpeg_mem_dest(&info, &buffer, &size);
  info.image_width = static_cast<JDIMENSION>(width);
  info.image_height = static_cast<JDIMENSION>(height);
  info.input_components = 3;
  info.in_color_space = JCS_RGB;
  jpeg_set_defaults(&info);
  jpeg_set_quality(&info, quality, TRUE);
  const int luma_sampling = quality >= 90 ? 1 : 2;  // 4:4:4 at high quality, else 4:2:0
  info.comp_info[0].h_samp_factor = info.comp_info[0].v_samp_factor = luma_sampling;
  for (int c = 1; c < 3; ++c) info.comp_info[c].h_samp_factor = info.comp_info[c].v_samp_factor = 1;
  jpeg_start_compress(&info, TRUE);
  while (info.next_scanline < info.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(pixels + std::size_t{info.next_scanline} * width * 3);
    jpeg_write_scanlines(&info, &row, 1);
  }
  jpeg_finish_compress(&info);
  jpeg_destroy_compress(&info);
  std::vector<std::uint8_t> bytes(buffer, buffer + size);
  std::free(buffer);
  return bytes;
}

namespace {

constexpr std::uint64_t kMaxJpegPixels = std::uint64_t{1} << 28;

// Fills the caller's `rgb` (interleaved) and size: objects outside the function that calls
// setjmp, whose own locals changed before a longjmp would be indeterminate after it.
void decode_into(const std::uint8_t* bytes, std::size_t size, std::vector<std::uint8_t>& rgb, int& height, int& width) {
  jpeg_decompress_struct info{};
  ErrorManager error{};
  info.err = jpeg_std_error(&error.base);
  error.base.error_exit = on_error;
  if (setjmp(error.jump)) {
    jpeg_destroy_decompress(&info);
    throw Error(std::string("JPEG: decoding failed: ") + error.message);
  }
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, bytes, static_cast<unsigned long>(size));
  jpeg_read_header(&info, TRUE);
  if (std::uint64_t{info.image_width} * info.image_height > kMaxJpegPixels) {
    jpeg_destroy_decompress(&info);
    throw Error("JPEG: " + std::to_string(info.image_width) + "x" + std::to_string(info.image_height) +
                " px is more than rirf decodes (256 megapixels)");
  }
  info.out_color_space = JCS_RGB;  // libjpeg expands greyscale and converts YCbCr
  jpeg_start_decompress(&info);
  height = static_cast<int>(info.output_height);
  width = static_cast<int>(info.output_width);
  rgb.resize(std::size_t{info.output_height} * info.output_width * 3);
  while (info.output_scanline < info.output_height) {
    JSAMPROW row = rgb.data() + std::size_t{info.output_scanline} * info.output_width * 3;
    jpeg_read_scanlines(&info, &row, 1);
  }
  jpeg_finish_decompress(&info);
  // libjpeg decodes truncated or damaged data with warnings (grey where data is missing).
  const long warnings = error.base.num_warnings;
  jpeg_destroy_decompress(&info);
  if (warnings > 0) throw Error("JPEG: the data is truncated or corrupt");
}

}  // namespace

at::Tensor decode_jpeg(const std::uint8_t* bytes, std::size_t size) {
  std::vector<std::uint8_t> rgb;
  int height = 0, width = 0;
  decode_into(bytes, size, rgb, height, width);
  return at::from_blob(rgb.data(), {height, width, 3}, at::kByte).permute({2, 0, 1}).contiguous();
}

}  // namespace rirf::detail
