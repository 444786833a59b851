#include "train/photo_pool.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "degrade/jpeg_codec.hpp"
#include "rirf/degrade.hpp"
#include "rirf/error.hpp"
#include "rirf/image_io.hpp"
#include "rirf/safetensors.hpp"
#include "rirf/train.hpp"

namespace rirf {
namespace {

// Crop origins on the 8x8 grid (where a JPEG source's blocks are): centred, or random.
std::int64_t centred_origin(std::int64_t extent, std::int64_t crop) { return (extent - crop) / 2 / 8 * 8; }
std::int64_t random_origin(Rng& rng, std::int64_t extent, std::int64_t crop) {
  return rng.integer(0, (extent - crop) / 8) * 8;
}

bool is_pack(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec) && std::filesystem::path(path).extension() == ".safetensors";
}

// A pack's photos, in name order (the order they were packed in). Each is an 8-bit [3, H, W]
// image, or (packed with --quality) the 1-D bytes of a JPEG file, decoded here.
std::vector<at::Tensor> load_pack(const std::string& path) {
  std::vector<at::Tensor> photos;
  for (const auto& [name, t] : load_safetensors(path).tensors) {
    const std::string where = "'" + path + "' is not a photo pack: '" + name + "' ";
    check(t.scalar_type() == at::kByte && (t.dim() == 1 || (t.dim() == 3 && t.size(0) == 3)),
          where + "is neither an 8-bit [3, H, W] image nor JPEG bytes");
    if (t.dim() == 3) {
      photos.push_back(t);
      continue;
    }
    const at::Tensor bytes = t.contiguous();
    try {
      photos.push_back(detail::decode_jpeg(bytes.data_ptr<std::uint8_t>(), static_cast<std::size_t>(bytes.numel())));
    } catch (const Error& e) {
      throw Error(where + "holds no readable JPEG (" + e.what() + ")");
    }
  }
  return photos;
}

}  // namespace

PhotoPool::PhotoPool(const std::vector<std::string>& dirs, std::int64_t min_side,
                     const std::vector<std::string>& exclude) {
  std::vector<std::string> files;
  std::vector<bool> excluded(exclude.size(), false);  // which names matched a file
  bool packs = false;
  for (const auto& dir : dirs) {
    if (is_pack(dir)) {
      packs = true;
      for (const auto& photo : load_pack(dir))
        if (photo.size(1) >= min_side && photo.size(2) >= min_side) photos_.push_back(photo);
      continue;
    }
    std::error_code ec;
    check(std::filesystem::is_directory(dir, ec), "cannot read photos from '" + dir + "': not a folder");
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir, ec)) {
      if (!entry.is_regular_file() || image_format_from_path(entry.path().string()).empty()) continue;
      const std::string name = entry.path().filename().string();
      bool skip = false;
      for (std::size_t i = 0; i < exclude.size(); ++i)
        if (exclude[i] == name) excluded[i] = skip = true;
      if (!skip) files.push_back(entry.path().string());
    }
  }
  // A misspelt name would quietly train on the very file it was meant to keep out.
  for (std::size_t i = 0; i < exclude.size(); ++i)
    check_option(excluded[i], "exclude", exclude[i] + ": no training image of that name in the given folders" +
                                 (packs ? " (a photo pack is made with its own exclude list, rirf train pack)" : ""));
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    const Image image = load_image(file);
    if (image.height() < min_side || image.width() < min_side) continue;
    photos_.push_back((image.rgb[0] * 255.0).round().to(at::kByte));
  }
  check(!photos_.empty(), "no training images of at least " + std::to_string(min_side) + " px in the given folders");
}

at::Tensor PhotoPool::random_crop(Rng& rng, std::int64_t crop, double max_zoom_out) const {
  const at::Tensor& photo = photos_[static_cast<std::size_t>(rng.integer(0, static_cast<std::int64_t>(photos_.size()) - 1))];
  std::int64_t region = crop;
  if (max_zoom_out > 1.0) {
    const double zoom = std::exp(rng.uniform(0.0, std::log(max_zoom_out)));
    region = std::min({static_cast<std::int64_t>(zoom * static_cast<double>(crop)) / 8 * 8, photo.size(1), photo.size(2)});
    region = std::max(region, crop);
  }
  const std::int64_t top = random_origin(rng, photo.size(1), region);
  const std::int64_t left = random_origin(rng, photo.size(2), region);
  at::Tensor x = photo.slice(1, top, top + region).slice(2, left, left + region).to(at::kFloat).div(255.0);
  if (region > crop) x = at::adaptive_avg_pool2d(x.unsqueeze(0), {crop, crop}).squeeze(0);
  if (rng.bernoulli(0.5)) x = x.flip({2});
  return x.unsqueeze(0).contiguous();
}

CropRegion PhotoPool::random_region(Rng& rng, std::int64_t crop, std::int64_t max_side, std::int64_t min_side) const {
  const at::Tensor& photo = photos_[static_cast<std::size_t>(rng.integer(0, static_cast<std::int64_t>(photos_.size()) - 1))];
  const std::int64_t largest = std::min({max_side, photo.size(1), photo.size(2)});
  const std::int64_t smallest = std::clamp(min_side, crop, std::max(crop, largest));
  std::int64_t side = smallest;
  if (largest > smallest) {
    const double scale = std::exp(rng.uniform(0.0, std::log(static_cast<double>(largest) / static_cast<double>(smallest))));
    side = std::clamp(static_cast<std::int64_t>(scale * static_cast<double>(smallest)) / 8 * 8, smallest, largest);
  }
  const std::int64_t top = random_origin(rng, photo.size(1), side), left = random_origin(rng, photo.size(2), side);
  at::Tensor x = photo.slice(1, top, top + side).slice(2, left, left + side).to(at::kFloat).div(255.0);
  if (rng.bernoulli(0.5)) x = x.flip({2});
  CropRegion region;
  region.pixels = x.unsqueeze(0).contiguous();
  region.crop = crop;
  region.top = random_origin(rng, side, crop);
  region.left = random_origin(rng, side, crop);
  return region;
}

at::Tensor CropRegion::cut(const at::Tensor& x) const {
  return x.slice(2, top, top + crop).slice(3, left, left + crop).contiguous();
}

namespace {
bool made_on_region(const DegradationStep& step) { return step.type == DegradationType::haze; }
}  // namespace

bool needs_region(const DegradationPlan& plan) {
  return std::any_of(plan.steps.begin(), plan.steps.end(), made_on_region);
}

at::Tensor degrade_in_region(const CropRegion& region, const DegradationPlan& plan) {
  DegradationPlan whole, local;
  for (const auto& step : plan.steps) (made_on_region(step) ? whole : local).steps.push_back(step);
  const at::Tensor scene = whole.steps.empty() ? region.pixels : apply(region.pixels, whole);
  return local.steps.empty() ? region.cut(scene) : apply(region.cut(scene), local);
}

at::Tensor PhotoPool::center_crop(std::size_t index, std::int64_t crop) const {
  const at::Tensor& photo = photos_.at(index);
  const std::int64_t top = centred_origin(photo.size(1), crop), left = centred_origin(photo.size(2), crop);
  return photo.slice(1, top, top + crop).slice(2, left, left + crop).to(at::kFloat).div(255.0).unsqueeze(0).contiguous();
}

void PackOptions::validate() const {
  check_option(!data_dirs.empty(), "data_dirs", "not given: at least one folder of photos");
  check_option(std::filesystem::path(out).extension() == ".safetensors", "out", "must end in .safetensors");
  check_option(max_side >= 32 && max_side % 8 == 0, "max_side", "must be a multiple of 8, at least 32");
  check_option(quality >= 0 && quality <= 100, "quality", "must be 0 (raw pixels) or a JPEG quality 1-100");
}

std::string pack_photos(const PackOptions& options) {
  options.validate();
  const PhotoPool pool(options.data_dirs, 32, options.exclude);
  Rng rng(options.seed);
  TensorFile file;
  std::int64_t pixels = 0;
  double squared_error = 0;
  for (std::size_t i = 0; i < pool.size(); ++i) {
    const at::Tensor& photo = pool.photo(i);
    const std::int64_t h = std::min(photo.size(1), options.max_side), w = std::min(photo.size(2), options.max_side);
    // The centred crop is PhotoPool::center_crop's, so a validation set made from the pack
    // is the one made from the folder.
    const std::int64_t top = options.center ? centred_origin(photo.size(1), h) : random_origin(rng, photo.size(1), h);
    const std::int64_t left = options.center ? centred_origin(photo.size(2), w) : random_origin(rng, photo.size(2), w);
    char name[32];
    std::snprintf(name, sizeof name, "photo_%06zu", i);
    const at::Tensor kept = photo.slice(1, top, top + h).slice(2, left, left + w).contiguous();
    pixels += h * w * 3;
    if (options.quality == 0) {
      file.tensors[name] = kept;
      continue;
    }
    const std::vector<std::uint8_t> jpeg = detail::encode_jpeg(kept, options.quality);
    file.tensors[name] = at::from_blob(const_cast<std::uint8_t*>(jpeg.data()), {static_cast<std::int64_t>(jpeg.size())}, at::kByte).clone();
    // What the pack's reader will see, against the photo itself.
    const at::Tensor back = detail::decode_jpeg(jpeg.data(), jpeg.size()).to(at::kDouble);
    squared_error += (back - kept.to(at::kDouble)).pow(2).sum().item<double>();
  }
  file.metadata["format"] = "rirf photo pack";
  save_safetensors(options.out, file);
  std::int64_t stored = 0;
  for (const auto& entry : file.tensors) stored += entry.second.numel();
  char line[256];
  std::snprintf(line, sizeof line, "packed %zu photos (%.1f MB of pixels, %.1f MB stored", pool.size(), pixels / 1e6, stored / 1e6);
  std::string text = line;
  if (options.quality > 0) {
    const double mse = squared_error / static_cast<double>(pixels);
    std::snprintf(line, sizeof line, " as JPEG quality %d, %.2f dB PSNR against the photos", options.quality,
                  mse > 0 ? 10.0 * std::log10(255.0 * 255.0 / mse) : INFINITY);
    text += line;
  }
  return text + ") into " + options.out;
}

}  // namespace rirf
