// Internal: JPEG bytes to and from 8-bit images through libjpeg, with the settings of libvips'
// writer (rirf's image I/O). The degradation engine's JPEG step and compressed photo packs use
// it; a GPU training node carries libjpeg alone, no image library.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

namespace rirf::detail {

// JPEG bytes of an 8-bit [3, H, W] image: the standard tables scaled to `quality` (1-100),
// 4:4:4 chroma at quality >= 90 and 4:2:0 below, the accurate integer DCT.
std::vector<std::uint8_t> encode_jpeg(const at::Tensor& rgb8, int quality);
// The 8-bit [3, H, W] image in JPEG bytes (greyscale expanded to RGB; fancy upsampling).
// Throws Error("JPEG: ...") on bytes that are not a JPEG libjpeg can decode.
at::Tensor decode_jpeg(const std::uint8_t* bytes, std::size_t size);

}  // namespace rirf::detail
