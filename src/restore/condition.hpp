// Internal: the diagnosis as the restorer's condition vector. The restorer reads only the
// Diagnosis (the contract), so any reasoner backend, or a user's edited JSON, can drive it.
#pragma once

#include <array>

#include "rirf/diagnosis.hpp"

namespace rirf {

// Per type (enum order): probability that it is present, severity / 100, and "keep" (the user
// asked to leave this degradation in the image); then the blur kind (one-hot gaussian, defocus,
// motion; zeros without blur) and the haze airlight (RGB; zeros without haze).
constexpr int kConditionPerType = 3;
constexpr int kConditionSize = kConditionPerType * kNumDegradationTypes + 3 + 3;
using Condition = std::array<float, kConditionSize>;
using KeepMask = std::array<bool, kNumDegradationTypes>;

Condition condition_from_diagnosis(const Diagnosis& diagnosis, const KeepMask& keep = {});
// Whether the diagnosis finds nothing the user wants undone: the conditioned restorer then
// returns its input unchanged.
bool nothing_to_undo(const Diagnosis& diagnosis, const KeepMask& keep = {});

}  // namespace rirf
