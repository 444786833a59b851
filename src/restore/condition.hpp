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

// What the restorer is asked to undo at inference: the diagnosis, except that JPEG artefacts,
// when they are the only damage to undo, are undone as a faint noise too (sigma kJpegAsNoiseSigma, confidence 0.9,
// not kept). The network's own JPEG mode learnt the identity (docs/restorer.md, "What is not
// there yet"); its denoising at a faint sigma removes part of the ringing and blocking: measured
// +0.5 dB on JPEG'd training photos and +0.3 on the validation sets (docs/restorer.md, "JPEG
// undone as a faint noise"). Training conditions do not use it.
Diagnosis restoration_request(Diagnosis diagnosis, KeepMask& keep);
constexpr double kJpegAsNoiseSigma = 1.0;
// Whether the diagnosis finds nothing the user wants undone: the conditioned restorer then
// returns its input unchanged.
bool nothing_to_undo(const Diagnosis& diagnosis, const KeepMask& keep = {});

}  // namespace rirf
