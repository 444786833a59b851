// Internal: clean training photos held in memory as 8-bit tensors, and random crops of them.
#pragma once

#include <ATen/ATen.h>

#include <string>
#include <vector>

#include "rirf/rng.hpp"

namespace rirf {

class PhotoPool {
 public:
  // Loads every PNG/JPEG/WebP/TIFF under `dirs` (recursively) with both sides >= min_side,
  // except files whose name (without folder) is in `exclude`. An entry of `dirs` that is a
  // .safetensors file is a pack (`rirf train pack`): its photos, in their stored order.
  PhotoPool(const std::vector<std::string>& dirs, std::int64_t min_side, const std::vector<std::string>& exclude = {});
  std::size_t size() const { return photos_.size(); }
  const at::Tensor& photo(std::size_t index) const { return photos_.at(index); }  // [3, H, W] uint8
  // A random crop [1, 3, crop, crop] in [0, 1], origin on the 8x8 grid (where a JPEG source's
  // blocks are), randomly mirrored. With max_zoom_out > 1 the crop is a region of s x crop px
  // (s log-uniform in [1, max_zoom_out], within the photo) area-averaged down to crop px: the
  // same photos seen at other scales, so with other sharpness, texture density and (after the
  // downscale) no JPEG grid. At 1 it draws nothing more from rng than before the option existed.
  at::Tensor random_crop(Rng& rng, std::int64_t crop, double max_zoom_out = 1.0) const;
  // The centred crop of photo `index`, same rules, no mirroring.
  at::Tensor center_crop(std::size_t index, std::int64_t crop) const;

 private:
  std::vector<at::Tensor> photos_;  // [3, H, W] uint8
};

}  // namespace rirf
