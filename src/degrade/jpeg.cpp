// JPEG: a real encode/decode round trip through libjpeg, with the settings of a camera or a web
// upload, which are also libvips' defaults (rirf's image writer): the standard tables scaled to
// the quality, 4:2:0 chroma subsampling below quality 90, the accurate integer DCT, fancy
// upsampling on decode. libjpeg directly rather than through the image I/O, so that the
// degradation engine needs no image library: a GPU training node carries libjpeg alone.
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <jpeglib.h>

#include "degrade/ops.hpp"
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

// Interleaved 8-bit RGB of one [3, H, W] image in [0, 1], rounded to nearest.
std::vector<std::uint8_t> to_rgb8(const at::Tensor& chw) {
  const at::Tensor q = at::nan_to_num(chw.detach().to(at::kCPU, at::kFloat), 0.0)
                           .clamp(0.0, 1.0).mul(255.0).round().to(at::kByte).permute({1, 2, 0}).contiguous();
  const auto* p = q.data_ptr<std::uint8_t>();
  return std::vector<std::uint8_t>(p, p + q.numel());
}

std::vector<std::uint8_t> encode(const std::vector<std::uint8_t>& rgb, int height, int width, int quality) {
  jpeg_compress_struct info{};
  ErrorManager error{};
  info.err = jpeg_std_error(&error.base);
  error.base.error_exit = on_error;
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  if (setjmp(error.jump)) {
    jpeg_destroy_compress(&info);
    std::free(buffer);
    throw Error(std::string("JPEG degradation: encoding failed: ") + error.message);
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
    JSAMPROW row = const_cast<JSAMPROW>(rgb.data() + std::size_t{info.next_scanline} * width * 3);
    jpeg_write_scanlines(&info, &row, 1);
  }
  jpeg_finish_compress(&info);
  jpeg_destroy_compress(&info);
  std::vector<std::uint8_t> bytes(buffer, buffer + size);
  std::free(buffer);
  return bytes;
}

// [3, H, W] float in [0, 1].
at::Tensor decode(const std::vector<std::uint8_t>& bytes, int height, int width) {
  jpeg_decompress_struct info{};
  ErrorManager error{};
  info.err = jpeg_std_error(&error.base);
  error.base.error_exit = on_error;
  at::Tensor rgb = at::empty({height, width, 3}, at::kByte);
  if (setjmp(error.jump)) {
    jpeg_destroy_decompress(&info);
    throw Error(std::string("JPEG degradation: decoding failed: ") + error.message);
  }
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, bytes.data(), static_cast<unsigned long>(bytes.size()));
  jpeg_read_header(&info, TRUE);
  info.out_color_space = JCS_RGB;
  jpeg_start_decompress(&info);
  auto* out = rgb.data_ptr<std::uint8_t>();
  while (info.output_scanline < info.output_height) {
    JSAMPROW row = out + std::size_t{info.output_scanline} * width * 3;
    jpeg_read_scanlines(&info, &row, 1);
  }
  jpeg_finish_decompress(&info);
  jpeg_destroy_decompress(&info);
  return rgb.permute({2, 0, 1}).to(at::kFloat).div(255.0);
}

}  // namespace

at::Tensor jpeg_round_trip(const at::Tensor& images, const JpegFactors& f) {
  const int height = static_cast<int>(images.size(2)), width = static_cast<int>(images.size(3));
  std::vector<at::Tensor> out;
  for (std::int64_t i = 0; i < images.size(0); ++i)
    out.push_back(decode(encode(to_rgb8(images[i]), height, width, f.quality), height, width));
  return at::stack(out, 0).to(images.options());
}

}  // namespace rirf::detail
