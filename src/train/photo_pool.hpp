// Internal: clean training photos held in memory as 8-bit tensors, and random crops of them.
#pragma once

#include <ATen/ATen.h>

#include <string>
#include <vector>

#include "rirf/degrade.hpp"
#include "rirf/rng.hpp"

namespace rirf {

// A training crop inside a larger region of one photo (PhotoPool::random_region).
struct CropRegion {
  at::Tensor pixels;  // [1, 3, R, R] in [0, 1]
  std::int64_t top = 0, left = 0, crop = 0;  // the crop inside it, its origin on the 8x8 grid
  at::Tensor cut(const at::Tensor& x) const;  // the crop of x, an image of the region's size
};

// `plan` applied as if to the whole region, and the crop cut out: haze (whose depth proxy runs
// over the picture it is made on: top to bottom, bright flat areas far) on the region, the
// steps that act locally on the crop only. On a whole photo a crop sees a thin slice of the
// depth range; made on the crop itself, the haze would run from dense to thin across it.
at::Tensor degrade_in_region(const CropRegion& region, const DegradationPlan& plan);
// Whether `plan` has a step that degrade_in_region makes on the region (haze).
bool needs_region(const DegradationPlan& plan);

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
  // A random crop of `crop` px inside a region of R x R px of one photo, R log-uniform in
  // [max(crop, min_side), min(max_side, the photo's sides)] (min_side 0: from the crop size),
  // both on the 8x8 grid, randomly mirrored.
  CropRegion random_region(Rng& rng, std::int64_t crop, std::int64_t max_side, std::int64_t min_side = 0) const;
  // The centred crop of photo `index`, same rules, no mirroring.
  at::Tensor center_crop(std::size_t index, std::int64_t crop) const;

 private:
  std::vector<at::Tensor> photos_;  // [3, H, W] uint8
};

}  // namespace rirf
