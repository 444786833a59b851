// Internal: the diagnosis as the restorer's condition vector. The restorer reads only the
// Diagnosis (the contract), so any reasoner backend, or a user's edited JSON, can drive it.
#pragma once

#include <ATen/core/Tensor.h>

#include <array>
#include <vector>

#include "rirf/diagnosis.hpp"

namespace rirf {

// Per type (enum order): probability that it is present, severity / 100, and a third value that
// is always 0 (it was a "keep" flag until 2026-12-01; the slot stays so that weights trained with
// it load, and a type the user keeps is now told absent, see restoration_request); then the blur
// kind (one-hot gaussian, defocus, motion; zeros without blur) and the haze airlight (RGB; zeros
// without haze).
constexpr int kConditionPerType = 3;
constexpr int kConditionSize = kConditionPerType * kNumDegradationTypes + 3 + 3;
using Condition = std::array<float, kConditionSize>;
// Types the user asked to leave in the image (`--only` the others), by DegradationType.
using KeepMask = std::array<bool, kNumDegradationTypes>;

Condition condition_from_diagnosis(const Diagnosis& diagnosis);
// The same as a [1, kConditionSize] float tensor, the network's input.
at::Tensor condition_tensor(const Diagnosis& diagnosis);
// The types to keep when only `only` are to be undone (all undone when `only` is empty).
KeepMask keep_mask(const std::vector<DegradationType>& only);

// The diagnosis with the kept types told absent (no finding, sure of it): the network leaves
// them as it leaves what a reasoner does not find. The same network told "keep" by a flag (10%
// of its training samples) undid the other types poorly: against the kept type alone, on the
// mixed suite, 22.0 dB with the flag and 25.7 told absent (docs/notebook/restorer.md, "Keeping a type").
Diagnosis without_kept_types(Diagnosis diagnosis, const KeepMask& keep);

// What the restorer is asked to undo at inference: without_kept_types, except that JPEG
// artefacts, when they are the only damage to undo and no noise was found, are undone as a faint
// noise too (sigma kJpegAsNoiseSigma, confidence 0.9). The network's own JPEG mode learnt the
// identity (docs/notebook/restorer.md, "What is not there yet"); its denoising at a faint sigma removes
// part of the ringing and blocking: measured +0.5 dB on JPEG'd training photos and +0.3 on the
// validation sets (docs/notebook/restorer.md, "JPEG undone as a faint noise"). Training conditions do not
// use it.
Diagnosis restoration_request(const Diagnosis& diagnosis, const KeepMask& keep);
constexpr double kJpegAsNoiseSigma = 1.0;
// Whether a request finds nothing to undo: the conditioned restorer then returns its input
// unchanged.
bool nothing_to_undo(const Diagnosis& request);

}  // namespace rirf
