// Image files <-> tensors through libvips. See include/rirf/image_io.hpp for the contract.
#include "rirf/image_io.hpp"

#include <ATen/ATen.h>
#ifdef RIRF_WITH_VIPS
#include <vips/vips8>
#endif

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "rirf/error.hpp"
#include "rirf/file_io.hpp"

namespace rirf {
#ifdef RIRF_WITH_VIPS
namespace {

using vips::VImage;

// Only these loader families may run; every other libvips loader (including the ones libvips
// itself marks untrusted: PDF, SVG, FITS, MAT, ...) is blocked for the whole process.
const char* const kAllowedLoaderClasses[] = {"VipsForeignLoadJpeg", "VipsForeignLoadPng", "VipsForeignLoadWebp",
                                             "VipsForeignLoadTiff"};
const char* const kSupportedList = "a PNG, JPEG, WebP or TIFF file";

void start_vips() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (VIPS_INIT("rirf") != 0) throw Error("cannot start libvips: " + std::string(vips_error_buffer()));
    vips_leak_set(FALSE);
    // libvips also prints warnings (truncated data, tile errors) on stderr; every failure that
    // matters reaches the caller as an Error, so the chatter is dropped.
    g_log_set_handler("VIPS", static_cast<GLogLevelFlags>(G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE),
                      [](const gchar*, GLogLevelFlags, const gchar*, gpointer) {}, nullptr);
    vips_cache_set_max(0);  // no cached file operations: each load reads the file it is given
    // One libvips worker. With several, a corrupt PNG was sometimes accepted as a partial image and
    // sometimes aborted the process in libvips' threadpool (found by tools/fuzz, docs/fuzzing.md);
    // decoding is sequential anyway, and the tensor work that follows uses libtorch's threads.
    vips_concurrency_set(1);
    vips_block_untrusted_set(TRUE);
    vips_operation_block_set("VipsForeignLoad", TRUE);
    for (const char* name : kAllowedLoaderClasses) vips_operation_block_set(name, FALSE);
  });
}

// libvips' error text for the last failure, first line only and without the trailing newline.
std::string vips_message(const vips::VError& e) {
  std::string text = e.what();
  vips_error_clear();
  const auto nl = text.find('\n');
  if (nl != std::string::npos) text.resize(nl);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  return text.empty() ? "libvips could not decode it" : text;
}

// "VipsForeignLoadJpegBuffer" -> "jpeg"; "" when the loader is not one we allow.
std::string format_of_loader(const char* loader) {
  if (loader == nullptr) return "";
  const std::string name(loader);
  static const char* const formats[] = {"jpeg", "png", "webp", "tiff"};
  for (std::size_t i = 0; i < 4; ++i) {
    if (name.rfind(kAllowedLoaderClasses[i], 0) == 0) return formats[i];
  }
  return "";
}

std::vector<std::uint8_t> get_blob(const VImage& img, const char* field) {
  if (img.get_typeof(field) == 0) return {};
  std::size_t length = 0;
  const void* data = img.get_blob(field, &length);
  const auto* bytes = static_cast<const std::uint8_t*>(data);
  return std::vector<std::uint8_t>(bytes, bytes + length);
}

void set_blob(VImage& img, const char* field, const std::vector<std::uint8_t>& blob) {
  if (!blob.empty()) vips_image_set_blob_copy(img.get_image(), field, blob.data(), blob.size());
}

// [H, W, C] integer pixels from a uchar or ushort image, as float [1, C, H, W] in [0, 1].
at::Tensor to_tensor(const VImage& img, int bits) {
  const VImage cast = bits == 16 ? img.cast(VIPS_FORMAT_INT) : img;
  std::size_t size = 0;
  void* data = cast.write_to_memory(&size);
  const auto dtype = bits == 16 ? at::kInt : at::kByte;
  const at::Tensor hwc = at::from_blob(data, {cast.height(), cast.width(), cast.bands()}, [](void* p) { g_free(p); },
                                       at::TensorOptions().dtype(dtype));
  const double scale = bits == 16 ? 65535.0 : 255.0;
  // One float image, converted and scaled in place: each intermediate copy of a 36 MP photo is
  // 432 MB, and fresh memory is slow to touch (docs/notebook/benchmarks-history.md).
  at::Tensor planar = at::empty({1, cast.bands(), cast.height(), cast.width()}, at::kFloat);
  planar[0].copy_(hwc.permute({2, 0, 1}));
  return planar.div_(scale);
}

// Float [1, C, H, W] in [0, 1] to an interleaved uchar/ushort VImage, rounding to nearest.
VImage to_vips(const at::Tensor& nchw, int bits) {
  const double scale = bits == 16 ? 65535.0 : 255.0;
  // One float copy, quantised in place, then interleaved as integers: a chain of float
  // temporaries lives to the end of its expression, four copies of the image at once.
  at::Tensor q = nchw.detach().to(at::kCPU, at::kFloat, /*non_blocking=*/false, /*copy=*/true);
  q.nan_to_num_(0.0).clamp_(0.0, 1.0).mul_(scale).round_();
  q = q.to(bits == 16 ? at::kInt : at::kByte).squeeze(0).permute({1, 2, 0}).contiguous();
  const int h = static_cast<int>(q.size(0)), w = static_cast<int>(q.size(1)), c = static_cast<int>(q.size(2));
  // libvips reads the pixels lazily, long after `q` is gone: hand it a buffer it owns and frees.
  const std::size_t bytes = static_cast<std::size_t>(q.numel()) * q.element_size();
  void* owned = g_malloc(bytes);
  std::memcpy(owned, q.data_ptr(), bytes);
  VImage img = VImage::new_from_memory_steal(owned, bytes, w, h, c, bits == 16 ? VIPS_FORMAT_INT : VIPS_FORMAT_UCHAR);
  if (bits == 16) img = img.cast(VIPS_FORMAT_USHORT);
  const auto interpretation = c == 1 ? (bits == 16 ? VIPS_INTERPRETATION_GREY16 : VIPS_INTERPRETATION_B_W)
                                     : (bits == 16 ? VIPS_INTERPRETATION_RGB16 : VIPS_INTERPRETATION_sRGB);
  return img.copy(VImage::option()->set("interpretation", interpretation));
}

void check_pixel_limit(const VImage& img, const LoadOptions& options, const std::string& name) {
  const std::int64_t pixels = static_cast<std::int64_t>(img.width()) * img.height();
  check(pixels <= options.max_pixels,
        "cannot read '" + name + "': " + std::to_string(img.width()) + "x" + std::to_string(img.height()) +
            " is over the limit of " + std::to_string(options.max_pixels) + " pixels; raise the pixel limit to read it");
}

// libjpeg reports damaged scan data as warnings, fills what it lost with grey and goes on;
// libvips logs them in its error buffer and returns the image. Those are refused. Stray bytes
// before a marker, which some cameras write into good files, are let through.
// libjpeg passes on only the first warning of a decode, so damage after a first warning about
// stray bytes goes unseen.
void check_jpeg_warnings(const std::string& format, const std::string& name) {
  char* copy = vips_error_buffer_copy();  // also clears it
  const std::string log = copy != nullptr ? copy : "";
  g_free(copy);
  if (format != "jpeg") return;
  std::size_t start = 0;
  while (start < log.size()) {
    std::size_t end = log.find('\n', start);
    if (end == std::string::npos) end = log.size();
    const std::string line = log.substr(start, end - start);
    start = end + 1;
    const bool damaged = line.find("Corrupt JPEG data") != std::string::npos || line.find("Premature end") != std::string::npos;
    if (!damaged || line.find("extraneous bytes") != std::string::npos) continue;
    const std::size_t colon = line.rfind(": ");
    throw Error("cannot read '" + name + "': damaged JPEG data (" + (colon == std::string::npos ? line : line.substr(colon + 2)) +
                "); part of the picture is lost");
  }
}

Image finish_load(VImage img, const std::string& format, const LoadOptions& options, const std::string& name) {
  check_pixel_limit(img, options, name);
  const VipsBandFormat band_format = img.format();
  check(band_format == VIPS_FORMAT_UCHAR || band_format == VIPS_FORMAT_USHORT || band_format == VIPS_FORMAT_CHAR ||
            band_format == VIPS_FORMAT_SHORT,
        "cannot read '" + name + "': only 8- and 16-bit images are supported");

  Image out;
  out.source_format = format;
  out.source_bits = (band_format == VIPS_FORMAT_USHORT || band_format == VIPS_FORMAT_SHORT) ? 16 : 8;
  try {
    img = img.autorot();
    if (img.get_typeof(VIPS_META_ICC_NAME) != 0) {
      img = img.icc_transform("srgb", VImage::option()
                                          ->set("embedded", true)
                                          ->set("intent", VIPS_INTENT_RELATIVE)
                                          ->set("depth", out.source_bits));
    }
    img = img.colourspace(out.source_bits == 16 ? VIPS_INTERPRETATION_RGB16 : VIPS_INTERPRETATION_sRGB);
    img = img.cast(out.source_bits == 16 ? VIPS_FORMAT_USHORT : VIPS_FORMAT_UCHAR);
    check(img.bands() == 3 || img.bands() == 4,
          "cannot read '" + name + "': unexpected " + std::to_string(img.bands()) + "-band image");
    out.metadata.exif = get_blob(img, VIPS_META_EXIF_NAME);
    out.metadata.icc = get_blob(img, VIPS_META_ICC_NAME);
    out.metadata.xmp = get_blob(img, VIPS_META_XMP_NAME);
    if (img.bands() == 4) {
      img = img.copy_memory();  // decode once: a sequential loader cannot be read twice for two band sets
      out.alpha = to_tensor(img.extract_band(3), out.source_bits);
      img = img.extract_band(0, VImage::option()->set("n", 3));
    }
    out.rgb = to_tensor(img, out.source_bits);
    check_jpeg_warnings(format, name);
  } catch (const vips::VError& e) {
    throw Error("cannot read '" + name + "': " + vips_message(e));
  }
  return out;
}

vips::VOption* load_flags() {
  return VImage::option()->set("access", VIPS_ACCESS_SEQUENTIAL)->set("fail_on", VIPS_FAIL_ON_ERROR);
}

}  // namespace
#endif

void LoadOptions::validate() const {
  check_option(max_pixels > 0, "max_pixels", "must be positive, got " + std::to_string(max_pixels));
}

void SaveOptions::validate() const {
  check_option(quality >= 1 && quality <= 100, "quality", "must be in [1, 100], got " + std::to_string(quality));
  check_option(bits == 0 || bits == 8 || bits == 16, "bits", "must be 0 (the source's), 8 or 16, got " + std::to_string(bits));
}

#ifdef RIRF_WITH_VIPS
namespace {
// libvips' error log, where a load's JPEG warnings are read, is one per process: loads take turns
// from clearing it to reading it (they decode with one libvips worker anyway).
std::mutex& load_mutex() {
  static std::mutex mutex;
  return mutex;
}

// The file's header, opened for a sequential decode after the checks that need no pixels.
VImage open_image_file(const std::string& path, const LoadOptions& options, std::string& format) {
  options.validate();
  start_vips();
  std::error_code ec;
  check(std::filesystem::exists(path, ec), "cannot read '" + path + "': no such file");
  check(!std::filesystem::is_directory(path, ec), "cannot read '" + path + "': it is a folder, not an image");
  check(std::filesystem::file_size(path, ec) > 0 && !ec, "cannot read '" + path + "': the file is empty");
  const char* loader = vips_foreign_find_load(path.c_str());
  vips_error_clear();
  format = format_of_loader(loader);
  check(!format.empty(), "cannot read '" + path + "': not " + kSupportedList);
  try {
    VImage img = VImage::new_from_file(path.c_str(), load_flags());
    check_pixel_limit(img, options, path);
    return img;
  } catch (const vips::VError& e) {
    throw Error("cannot read '" + path + "': " + vips_message(e));
  }
}
}  // namespace

Image load_image(const std::string& path, const LoadOptions& options) {
  const std::lock_guard<std::mutex> lock(load_mutex());
  std::string format;
  VImage img = open_image_file(path, options, format);
  try {
    return finish_load(img, format, options, path);
  } catch (const vips::VError& e) {
    throw Error("cannot read '" + path + "': " + vips_message(e));
  }
}

ImageInfo probe_image(const std::string& path, const LoadOptions& options) {
  const std::lock_guard<std::mutex> lock(load_mutex());
  ImageInfo info;
  const VImage img = open_image_file(path, options, info.format);
  info.width = img.width();
  info.height = img.height();
  return info;
}

Image decode_image(const void* data, std::size_t size, const LoadOptions& options, const std::string& name) {
  const std::lock_guard<std::mutex> lock(load_mutex());
  options.validate();
  start_vips();
  check(data != nullptr && size > 0, "cannot read '" + name + "': no data");
  const char* loader = vips_foreign_find_load_buffer(data, size);
  vips_error_clear();
  const std::string format = format_of_loader(loader);
  check(!format.empty(), "cannot read '" + name + "': not " + kSupportedList);
  try {
    // new_from_buffer does not copy: the caller's bytes outlive every use inside this call.
    return finish_load(VImage::new_from_buffer(data, size, "", load_flags()), format, options, name);
  } catch (const vips::VError& e) {
    throw Error("cannot read '" + name + "': " + vips_message(e));
  }
}

std::vector<std::uint8_t> encode_image(const Image& image, const std::string& format, const SaveOptions& options) {
  options.validate();
  start_vips();
  check(image.rgb.defined() && image.rgb.dim() == 4 && image.rgb.size(0) == 1 && image.rgb.size(1) == 3,
        "cannot encode: expected an image tensor [1, 3, H, W]");
  check(image.rgb.size(2) > 0 && image.rgb.size(3) > 0, "cannot encode an empty image");
  const bool lossy8 = format == "jpeg" || format == "webp";
  check(lossy8 || format == "png" || format == "tiff", "cannot encode: unknown format '" + format + "'");
  const int bits = lossy8 ? 8 : (options.bits != 0 ? options.bits : image.source_bits);

  at::Tensor pixels = image.rgb;
  if (image.alpha.defined()) {
    check(image.alpha.dim() == 4 && image.alpha.size(1) == 1 && image.alpha.size(2) == image.rgb.size(2) &&
              image.alpha.size(3) == image.rgb.size(3),
          "cannot encode: alpha channel does not match the image size");
    const at::Tensor a = image.alpha.to(at::kCPU, at::kFloat).clamp(0.0, 1.0);
    pixels = format == "jpeg" ? pixels.to(at::kFloat) * a + (1.0 - a)  // JPEG has no alpha: flatten on white
                              : at::cat({pixels.to(at::kCPU, at::kFloat), a}, 1);
  }
  try {
    VImage img = to_vips(pixels, bits);
    if (!options.strip_metadata) {
      set_blob(img, VIPS_META_EXIF_NAME, image.metadata.exif);
      // The pixels are already upright; the saver rewrites the EXIF orientation from this field,
      // so viewers do not rotate them a second time.
      if (!image.metadata.exif.empty()) img.set(VIPS_META_ORIENTATION, 1);
      set_blob(img, VIPS_META_ICC_NAME, image.metadata.icc);
      set_blob(img, VIPS_META_XMP_NAME, image.metadata.xmp);
    }
    auto opts = VImage::option()->set("strip", options.strip_metadata);
    std::string suffix;
    if (format == "png") {
      suffix = ".png";
      opts->set("bitdepth", bits)->set("compression", 6);
    } else if (format == "jpeg") {
      suffix = ".jpg";
      opts->set("Q", options.quality);
    } else if (format == "webp") {
      suffix = ".webp";
      opts->set("Q", options.quality);
    } else {
      suffix = ".tif";
      opts->set("compression", VIPS_FOREIGN_TIFF_COMPRESSION_DEFLATE);
    }
    void* buffer = nullptr;
    std::size_t size = 0;
    img.write_to_buffer(suffix.c_str(), &buffer, &size, opts);
    const auto* bytes = static_cast<const std::uint8_t*>(buffer);
    std::vector<std::uint8_t> out(bytes, bytes + size);
    g_free(buffer);
    return out;
  } catch (const vips::VError& e) {
    throw Error("cannot encode " + format + ": " + vips_message(e));
  }
}
#else
// A build without libvips (RIRF_WITH_VIPS=OFF, e.g. a GPU training node that trains from packed
// photos): everything but image files works.
namespace {
[[noreturn]] void no_codecs(const std::string& what) {
  throw Error("cannot " + what + ": this rirf was built without libvips (RIRF_WITH_VIPS=OFF) and reads or writes no image files");
}
}  // namespace

Image load_image(const std::string& path, const LoadOptions&) { no_codecs("read '" + path + "'"); }
ImageInfo probe_image(const std::string& path, const LoadOptions&) { no_codecs("read '" + path + "'"); }
Image decode_image(const void*, std::size_t, const LoadOptions&, const std::string& name) { no_codecs("read '" + name + "'"); }
std::vector<std::uint8_t> encode_image(const Image&, const std::string& format, const SaveOptions&) { no_codecs("encode " + format); }
#endif

void save_image(const Image& image, const std::string& path, const SaveOptions& options) {
  const std::string format = image_format_from_path(path);
  check(!format.empty(), "cannot write '" + path + "': unsupported extension (use .png, .jpg, .webp or .tif)");
  const auto bytes = encode_image(image, format, options);
  write_file_atomic(path, bytes.data(), bytes.size());
}

std::string image_format_from_path(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == ".png") return "png";
  if (ext == ".jpg" || ext == ".jpeg") return "jpeg";
  if (ext == ".webp") return "webp";
  if (ext == ".tif" || ext == ".tiff") return "tiff";
  return "";
}

Image image_from_tensor(const at::Tensor& rgb) {
  Image image;
  image.rgb = rgb;
  return image;
}

std::vector<std::string> list_image_files(const std::string& dir) {
  std::error_code ec;
  check(std::filesystem::is_directory(dir, ec), "cannot list '" + dir + "': not a folder");
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && !image_format_from_path(entry.path().string()).empty())
      files.push_back(entry.path().string());
  }
  check(!ec, "cannot list '" + dir + "': " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace rirf
