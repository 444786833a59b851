// The trained reasoner backend (DiagNet, see src/reason/diagnet_model.hpp) as a Reasoner.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rirf/reasoner.hpp"

namespace rirf {

// Loads weights saved by `rirf train reasoner`; throws Error naming the file and the tensor when
// a tensor is missing, unexpected or of the wrong shape.
std::unique_ptr<Reasoner> load_diagnet_reasoner(const std::string& weights_path);

// Where diagnosis looks: up to nine tiles (3x3) of at most `tile` x `tile` px (the reasoner reads
// 256), origins on the 8x8 grid, spread over the image. Returned as (top, left, size_h, size_w).
constexpr std::int64_t kDiagnosisTile = 256;
struct Tile {
  std::int64_t top, left, height, width;
};
std::vector<Tile> diagnosis_tiles(std::int64_t height, std::int64_t width, std::int64_t tile = kDiagnosisTile);

}  // namespace rirf
