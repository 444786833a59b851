// Internal: the pieces of the severity-reward RL stage (GRPO style), kept apart from the trainer
// so that their maths is tested on its own.
//
// The policy is a Gaussian around the restorer's output, restricted to a small random subspace
// of the image: K orthonormal 2-D DCT atoms per sample, each channel its own coefficients.
//   y = mu + sigma * sum_k z_k atom_k,   z ~ N(0, I)
// so log pi(y) = -|P(y - mu)|^2 / (2 sigma^2) + const, with P the projection on the atoms. A
// group of G samples explores 3K directions instead of every pixel at once (a policy gradient
// over 27k pixel dimensions from a group of 4 is noise), and the atoms are drawn anew for every
// sample and step, over all frequencies, so over time every direction is explored; the
// perturbations are smooth waves, not the pixel noise the reasoner is trained to see.
#pragma once

#include <ATen/ATen.h>

#include "rirf/rng.hpp"

namespace rirf::train {

// K distinct orthonormal DCT-II atoms of an h x w image, chosen uniformly among all h*w
// frequencies: [K, h, w], each of unit L2 norm, pairwise orthogonal.
at::Tensor random_dct_atoms(std::int64_t h, std::int64_t w, int count, Rng& rng);

// Coefficients of images on per-sample atoms: images [B, G, C, h, w], atoms [B, K, h, w]
// -> [B, G, C, K].
at::Tensor project(const at::Tensor& images, const at::Tensor& atoms);

struct Exploration {
  at::Tensor atoms;    // [B, K, h, w]
  at::Tensor samples;  // [B, G, C, h, w]: mean + sigma * atoms . z
  at::Tensor old_log_prob;  // [B, G, C, K] under the mean that drew them
};

// G samples around each image of `mean` [B, C, h, w] (no gradient flows through them).
Exploration explore(const at::Tensor& mean, int group, int atoms, double sigma, Rng& rng);

// log pi(samples | mean) up to a constant, one term per explored dimension (channel x atom):
// [B, G, C, K], whose sum over (C, K) is the sample's log-probability. Differentiable in `mean`.
at::Tensor log_prob(const at::Tensor& mean, const Exploration& exploration, double sigma);

// The other policy (`rirf train rl --explore film`): a Gaussian over a vector the network makes
// per input, its FiLM modulations (RestorerNet::modulations): m = mu + sigma * z, z ~ N(0, I),
// log pi(m) = -|m - mu|^2 / (2 sigma^2) + const. A change of a block's per-channel scale and
// shift changes what the learned filters do to this image (more or less of a sharpening, of a
// deblocking), which an image-independent wave in the output cannot express.
struct VectorExploration {
  at::Tensor samples;       // [B, G, D]: mean + sigma * z
  at::Tensor old_log_prob;  // [B, G, D] under the mean that drew them
};

// G samples around each row of `mean` [B, D] (no gradient flows through them). `mirrored`
// (G even): the second half of each group is the first half reflected through the mean
// (z, -z), so that each pair's reward difference is a central difference along z: the part of
// the reward that a direction does not change (the input's own difficulty, the curvature)
// cancels instead of adding noise to the gradient (Salimans et al. 2017, mirrored sampling).
VectorExploration explore_vector(const at::Tensor& mean, int group, double sigma, Rng& rng, bool mirrored = false);

// log pi(samples | mean) up to a constant, one term per dimension: [B, G, D]. Differentiable in `mean`.
at::Tensor vector_log_prob(const at::Tensor& mean, const at::Tensor& samples, double sigma);

// KL(pi_theta || pi_ref) of two such policies: |mean - reference_mean|^2 / (2 sigma^2), averaged over the batch.
at::Tensor vector_kl(const at::Tensor& mean, const at::Tensor& reference_mean, double sigma);

// Rewards [B, G] -> advantages normalised within each group: zero mean, unit spread (a group
// whose rewards are all equal gets zeros). The spread divided by is at least `min_spread`: with
// continuous rewards a group whose rewards differ by a hair (a judge that sees nothing, up to
// rounding) would otherwise get advantages as large as a group with a real preference.
at::Tensor group_advantages(const at::Tensor& rewards, double min_spread = 0.0);

// GRPO's clipped surrogate, negated to be minimised: -mean(min(r A, clip(r, 1-eps, 1+eps) A)),
// with one ratio r = exp(log_prob - old_log_prob) per explored dimension, as GRPO has one per
// token (a whole-sample ratio over 3K dimensions would swing far outside the clip at once).
// log_prob [B, G, ...], advantages [B, G].
at::Tensor clipped_policy_loss(const at::Tensor& log_prob, const at::Tensor& old_log_prob, const at::Tensor& advantages,
                               double clip);

// KL(pi_theta || pi_ref) of two such policies on the same atoms: |P(mean - ref)|^2 / (2 sigma^2),
// averaged over the batch.
at::Tensor policy_kl(const at::Tensor& mean, const at::Tensor& reference_mean, const at::Tensor& atoms, double sigma);

}  // namespace rirf::train
