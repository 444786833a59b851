// Internal: run an image-to-image function over overlapping tiles and blend them, so memory is
// bounded by the tile, not the image.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace rirf {

struct Span {
  std::int64_t begin, end;
};

// Tile spans along one axis of `size` pixels: length about `tile`, consecutive spans overlapping
// by at least `overlap`, every start a multiple of `align` (so a network that downsamples by
// `align` sees the same grid in every tile as in one pass). One span when size <= tile.
std::vector<Span> tile_spans(std::int64_t size, std::int64_t tile, std::int64_t overlap, std::int64_t align);

// image: [1, C, H, W]. fn maps a tile [1, C, h, w] to [1, C', h, w]. Where tiles overlap, their
// outputs are blended with weights that ramp linearly across the overlap, so seams do not show;
// elsewhere the result is exactly fn's output for the tile. progress(done, total) after each tile.
at::Tensor run_tiled(const at::Tensor& image, std::int64_t tile, std::int64_t overlap, std::int64_t align,
                     const std::function<at::Tensor(const at::Tensor&)>& fn,
                     const std::function<void(int, int)>& progress = {});

}  // namespace rirf
