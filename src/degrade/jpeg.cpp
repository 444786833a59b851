// JPEG: a real encode/decode round trip through libjpeg (via libvips), at the default chroma
// subsampling libvips picks for the quality (4:2:0 below 90), like a camera or a web upload.
#include "degrade/ops.hpp"
#include "rirf/image_io.hpp"

namespace rirf::detail {

at::Tensor jpeg_round_trip(const at::Tensor& images, const JpegFactors& f) {
  SaveOptions options;
  options.quality = f.quality;
  options.strip_metadata = true;
  std::vector<at::Tensor> out;
  for (std::int64_t i = 0; i < images.size(0); ++i) {
    const auto bytes = encode_image(image_from_tensor(images.slice(0, i, i + 1)), "jpeg", options);
    out.push_back(decode_image(bytes.data(), bytes.size(), {}, "jpeg round trip").rgb);
  }
  return at::cat(out, 0).to(images.options());
}

}  // namespace rirf::detail
