// Image files <-> float RGB tensors, through libvips.
//
// Loading: PNG (8/16 bit), JPEG, WebP and TIFF only (every other libvips loader is blocked);
// EXIF orientation is applied; ICC-tagged images are converted to sRGB; grey becomes RGB;
// an alpha channel is split off unchanged into `alpha` (colour is not premultiplied) and put back
// on save for formats that carry it (PNG, WebP, TIFF); JPEG output is flattened onto white.
// Decoding fails on truncated or corrupt data rather than returning grey pixels, JPEG scan data
// that libjpeg could only partly decode included (seen by its warnings; libjpeg reports only a
// decode's first, so damage after a harmless first warning passes). Loads from several threads
// are safe and take turns.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace rirf {

struct ImageMetadata {
  std::vector<std::uint8_t> exif;  // raw EXIF block, orientation already applied to pixels
  std::vector<std::uint8_t> icc;   // ICC profile describing `rgb` (sRGB after conversion)
  std::vector<std::uint8_t> xmp;
};

struct Image {
  at::Tensor rgb;    // [1, 3, H, W] float32 in [0, 1], sRGB
  at::Tensor alpha;  // [1, 1, H, W] float32 in [0, 1]; undefined when the source had none
  int source_bits = 8;        // 8 or 16: the source's sample depth
  std::string source_format;  // "png", "jpeg", "webp" or "tiff"; empty when made in memory
  ImageMetadata metadata;

  std::int64_t height() const { return rgb.size(2); }
  std::int64_t width() const { return rgb.size(3); }
};

struct LoadOptions {
  std::int64_t max_pixels = 64'000'000;  // refuse larger images before decoding them
  void validate() const;
};

struct SaveOptions {
  int quality = 95;             // JPEG and WebP quality, 1-100
  int bits = 0;                 // PNG/TIFF sample depth, 8 or 16; 0 keeps the source's depth
  bool strip_metadata = false;  // drop EXIF, ICC and XMP
  void validate() const;
};

struct ImageInfo {
  std::int64_t width = 0, height = 0;
  std::string format;  // "png", "jpeg", "webp" or "tiff"
};

Image load_image(const std::string& path, const LoadOptions& options = {});
// Reads the header only and makes every check load_image makes before decoding (the file
// exists, is a supported format, is within the pixel limit), so a batch can refuse a bad
// input before any work. Damaged pixel data is found only by load_image.
ImageInfo probe_image(const std::string& path, const LoadOptions& options = {});
Image decode_image(const void* data, std::size_t size, const LoadOptions& options = {},
                   const std::string& name = "<memory>");

// `format` is "png", "jpeg", "webp" or "tiff".
std::vector<std::uint8_t> encode_image(const Image& image, const std::string& format,
                                       const SaveOptions& options = {});
// The format comes from the path's extension; the file is written atomically.
void save_image(const Image& image, const std::string& path, const SaveOptions& options = {});

// "png", "jpeg", "webp" or "tiff" for a supported extension (any case), else "".
std::string image_format_from_path(const std::string& path);

// Wraps a tensor in an Image with no alpha and no metadata.
Image image_from_tensor(const at::Tensor& rgb);

// Sorted list of the supported image files directly inside `dir`.
std::vector<std::string> list_image_files(const std::string& dir);

}  // namespace rirf
