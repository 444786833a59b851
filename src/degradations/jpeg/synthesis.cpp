// The JPEG step: a real encode/decode round trip (src/degrade/jpeg_codec.hpp), as a camera or a
// web upload stores a photo.
#include "degradations/synthesis.hpp"
#include "degrade/jpeg_codec.hpp"

namespace rirf::degradations {

at::Tensor synthesize(const at::Tensor& images, const JpegFactors& f, std::uint64_t /*seed*/) {
  std::vector<at::Tensor> out;
  for (std::int64_t i = 0; i < images.size(0); ++i) {
    // Rounded to the nearest 8-bit level, as an image file would be.
    const at::Tensor rgb8 = at::nan_to_num(images[i].detach().to(at::kCPU, at::kFloat), 0.0)
                                .clamp(0.0, 1.0).mul(255.0).round().to(at::kByte);
    const std::vector<std::uint8_t> bytes = detail::encode_jpeg(rgb8, f.quality);
    out.push_back(detail::decode_jpeg(bytes.data(), bytes.size()).to(at::kFloat).div(255.0));
  }
  return at::stack(out, 0).to(images.options());
}

}  // namespace rirf::degradations
