// Internal: the reported noise sigma, from a measurement where one can be trusted.
//
// DiagNet's sigma is a regression from learned statistics (MAE 1.8 on single white noise). Where
// noise is the only damage found, a direct measurement is better: Immerkaer's estimate in the
// flat mid-tones (evidence::midtone_noise_sigma) is the sigma at mid-grey by construction; on
// white noise in the training photos its MAE was 0.63 (the network's 1.77). It cannot see a
// camera's correlated noise (it reads far lower) and texture inflates it, so it replaces the
// network's sigma only when the two agree within kMeasuredSigmaAgreement; otherwise the
// network's stands.
// Chosen on training photos, never on the validation sets (docs/notebook/reasoner.md, "Measured noise
// sigma").
#pragma once

#include <ATen/ATen.h>

#include "rirf/diagnosis.hpp"

namespace rirf {

constexpr double kMeasuredSigmaAgreement = 0.25;  // |measured - network| <= 25% of the network's

// The rule alone: noise present and nothing else, measured > 0 and within the agreement. Then
// sigma becomes the measured one and the severity follows it (severity_from_factor).
void adopt_measured_noise_sigma(Diagnosis& diagnosis, double measured_sigma);

// The rule with its measurement on `tiles` ([T, 3, h, w] in [0, 1], one image's diagnosis
// tiles); measures only where the rule could apply.
void refine_noise_sigma(Diagnosis& diagnosis, const at::Tensor& tiles);

}  // namespace rirf
