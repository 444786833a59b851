#include "train/photo_pool.hpp"

#include <algorithm>
#include <filesystem>

#include "rirf/error.hpp"
#include "rirf/image_io.hpp"

namespace rirf {

PhotoPool::PhotoPool(const std::vector<std::string>& dirs, std::int64_t min_side,
                     const std::vector<std::string>& exclude) {
  std::vector<std::string> files;
  for (const auto& dir : dirs) {
    std::error_code ec;
    check(std::filesystem::is_directory(dir, ec), "cannot read photos from '" + dir + "': not a folder");
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir, ec))
      if (entry.is_regular_file() && !image_format_from_path(entry.path().string()).empty() &&
          std::find(exclude.begin(), exclude.end(), entry.path().filename().string()) == exclude.end())
        files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    const Image image = load_image(file);
    if (image.height() < min_side || image.width() < min_side) continue;
    photos_.push_back((image.rgb[0] * 255.0).round().to(at::kByte));
  }
  check(!photos_.empty(), "no training images of at least " + std::to_string(min_side) + " px in the given folders");
}

at::Tensor PhotoPool::random_crop(Rng& rng, std::int64_t crop) const {
  const at::Tensor& photo = photos_[static_cast<std::size_t>(rng.integer(0, static_cast<std::int64_t>(photos_.size()) - 1))];
  const std::int64_t top = rng.integer(0, (photo.size(1) - crop) / 8) * 8;
  const std::int64_t left = rng.integer(0, (photo.size(2) - crop) / 8) * 8;
  at::Tensor x = photo.slice(1, top, top + crop).slice(2, left, left + crop).to(at::kFloat).div(255.0);
  if (rng.bernoulli(0.5)) x = x.flip({2});
  return x.unsqueeze(0).contiguous();
}

at::Tensor PhotoPool::center_crop(std::size_t index, std::int64_t crop) const {
  const at::Tensor& photo = photos_.at(index);
  const std::int64_t top = (photo.size(1) - crop) / 2 / 8 * 8, left = (photo.size(2) - crop) / 2 / 8 * 8;
  return photo.slice(1, top, top + crop).slice(2, left, left + crop).to(at::kFloat).div(255.0).unsqueeze(0).contiguous();
}

}  // namespace rirf
