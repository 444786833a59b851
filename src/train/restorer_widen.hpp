// Internal: widening a trained RestorerNet (Net2WiderNet, Chen, Goodfellow & Shlens, ICLR 2016),
// so that a wider network starts from a narrower one's function instead of from scratch.
//
// Every channel of every level is copied `width / from.width` times. A channel layer norm sees
// the same mean and variance over the copies (each channel appears equally often), the gates and
// FiLM keep their halves apart, and every layer that reads copied channels splits each weight
// between the copies with random shares that sum to one: the wider network computes the same
// function (to float rounding), and the unequal shares give the copies different gradients, so
// they do not stay copies.
#pragma once

#include <cstdint>

#include "restore/restorer_model.hpp"

namespace rirf::train {

// `from` with width `width` (a multiple of from's width), same blocks and condition; the shares
// are drawn from `seed`. Error when the width is not a multiple.
RestorerNet widen_restorer(RestorerNet& from, int width, std::uint64_t seed);

}  // namespace rirf::train
