// libFuzzer target for the image load path: bytes -> libvips loader allow-list -> decode ->
// orientation / ICC / colourspace -> tensor. Any input must end in an Image or an rirf::Error;
// a crash, a sanitizer report, a leak or a hang is a bug. See docs/fuzzing.md.
#include <cstddef>
#include <cstdint>

#include "rirf/error.hpp"
#include "rirf/image_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rirf::LoadOptions options;
  options.max_pixels = 4'000'000;  // keep single runs fast; the limit itself is part of the path
  try {
    const rirf::Image image = rirf::decode_image(data, size, options, "fuzz input");
    if (image.rgb.numel() > 0 && image.rgb.size(1) != 3) __builtin_trap();
  } catch (const rirf::Error&) {
  }
  return 0;
}
