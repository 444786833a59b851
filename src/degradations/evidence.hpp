// The reasoner's side of each degradation: how the classical backend reads it. One
// `classical_reading` per row of the degradation table, in src/degradations/<name>/evidence.cpp
// beside the measures DiagNet reads (declared in src/reason/evidence.hpp).
#pragma once

#include <ATen/ATen.h>

#include <utility>

#include "rirf/plan.hpp"

namespace rirf::degradations {

// What an estimator looks at, both [1, 3, H, W] in [0, 1]: a centred crop of at most 512 px at
// full resolution, its origin on the 8x8 JPEG grid (local measures: noise, blur, JPEG, rain), and
// the whole image shrunk to at most 512 px (global ones: haze, exposure).
struct ClassicalView {
  at::Tensor crop;
  at::Tensor global;
};

// The type's main factor as its estimator measures it, and the presence call: present when the
// factor is past `threshold` (below it when `worse_when_lower`), with a confidence that grows
// over `scale` of distance from it.
struct ClassicalReading {
  double factor = 0;
  double threshold = 0;
  double scale = 1;
  bool worse_when_lower = false;
};

#define RIRF_DECLARE_CLASSICAL_READING(name, Factors) \
  ClassicalReading classical_reading(std::in_place_type_t<Factors>, const ClassicalView& view);
RIRF_DEGRADATIONS(RIRF_DECLARE_CLASSICAL_READING, )
#undef RIRF_DECLARE_CLASSICAL_READING

}  // namespace rirf::degradations
