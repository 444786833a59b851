#include "train/grpo.hpp"

#include <torch/torch.h>

#include <cmath>
#include <set>

namespace rirf::train {
namespace {

// Row u of the orthonormal DCT-II matrix of size n.
at::Tensor dct_row(std::int64_t u, std::int64_t n) {
  const at::Tensor i = torch::arange(n, torch::kDouble);
  const double scale = std::sqrt((u == 0 ? 1.0 : 2.0) / static_cast<double>(n));
  return (torch::cos(M_PI * (2 * i + 1) * static_cast<double>(u) / (2.0 * n)) * scale).to(torch::kFloat);
}

}  // namespace

at::Tensor random_dct_atoms(std::int64_t h, std::int64_t w, int count, Rng& rng) {
  std::set<std::int64_t> chosen;
  const std::int64_t total = h * w;
  std::vector<at::Tensor> atoms;
  while (static_cast<std::int64_t>(chosen.size()) < std::min<std::int64_t>(count, total)) {
    const std::int64_t index = rng.integer(0, total - 1);
    if (!chosen.insert(index).second) continue;
    atoms.push_back(torch::outer(dct_row(index / w, h), dct_row(index % w, w)));
  }
  return torch::stack(atoms);
}

at::Tensor project(const at::Tensor& images, const at::Tensor& atoms) {
  const auto b = images.size(0), g = images.size(1), c = images.size(2), k = atoms.size(1);
  const at::Tensor flat = images.reshape({b, g * c, -1});
  return torch::bmm(flat, atoms.reshape({b, k, -1}).transpose(1, 2)).reshape({b, g, c, k});
}

Exploration explore(const at::Tensor& mean, int group, int atoms, double sigma, Rng& rng) {
  torch::NoGradGuard no_grad;
  const auto b = mean.size(0), c = mean.size(1), h = mean.size(2), w = mean.size(3);
  std::vector<at::Tensor> per_sample;
  for (std::int64_t i = 0; i < b; ++i) per_sample.push_back(random_dct_atoms(h, w, atoms, rng));
  Exploration e;
  e.atoms = torch::stack(per_sample).to(mean.device());  // [B, K, h, w]
  const auto k = e.atoms.size(1);
  // z from the run's own stream, so that a resumed or repeated run explores the same way.
  std::vector<float> z(static_cast<std::size_t>(b * group * c * k));
  for (auto& v : z) v = static_cast<float>(rng.normal());
  const at::Tensor coefficients = torch::from_blob(z.data(), {b, group * c, k}, torch::kFloat).to(mean.device());
  const at::Tensor offsets = torch::bmm(coefficients, e.atoms.reshape({b, k, -1})).reshape({b, group, c, h, w});
  e.samples = mean.detach().unsqueeze(1) + sigma * offsets;
  e.old_log_prob = log_prob(mean.detach(), e, sigma);
  return e;
}

at::Tensor log_prob(const at::Tensor& mean, const Exploration& exploration, double sigma) {
  const at::Tensor difference = exploration.samples - mean.unsqueeze(1);
  return -project(difference, exploration.atoms).pow(2) / (2 * sigma * sigma);
}

VectorExploration explore_vector(const at::Tensor& mean, int group, double sigma, Rng& rng, bool mirrored) {
  torch::NoGradGuard no_grad;
  const auto b = mean.size(0), d = mean.size(1);
  const int drawn = mirrored ? group / 2 : group;
  std::vector<float> z(static_cast<std::size_t>(b * drawn * d));
  for (auto& v : z) v = static_cast<float>(rng.normal());
  at::Tensor noise = torch::from_blob(z.data(), {b, drawn, d}, torch::kFloat).clone();
  if (mirrored) noise = torch::cat({noise, -noise}, 1);
  noise = noise.to(mean.device());
  VectorExploration e;
  e.samples = mean.detach().unsqueeze(1) + sigma * noise;
  e.old_log_prob = vector_log_prob(mean.detach(), e.samples, sigma);
  return e;
}

at::Tensor vector_log_prob(const at::Tensor& mean, const at::Tensor& samples, double sigma) {
  return -(samples - mean.unsqueeze(1)).pow(2) / (2 * sigma * sigma);
}

at::Tensor vector_kl(const at::Tensor& mean, const at::Tensor& reference_mean, double sigma) {
  return (mean - reference_mean).pow(2).sum(1).mean() / (2 * sigma * sigma);
}

at::Tensor group_advantages(const at::Tensor& rewards, double min_spread) {
  const at::Tensor centred = rewards - rewards.mean(1, true);
  const at::Tensor spread = centred.pow(2).mean(1, true).sqrt().clamp_min(min_spread);
  return centred / (spread + 1e-6);
}

at::Tensor clipped_policy_loss(const at::Tensor& log_prob, const at::Tensor& old_log_prob, const at::Tensor& advantages,
                               double clip) {
  const at::Tensor ratio = torch::exp(log_prob - old_log_prob);
  std::vector<std::int64_t> shape(static_cast<std::size_t>(ratio.dim()), 1);
  shape[0] = advantages.size(0), shape[1] = advantages.size(1);
  const at::Tensor a = advantages.reshape(shape);
  const at::Tensor unclipped = ratio * a;
  const at::Tensor clipped = ratio.clamp(1.0 - clip, 1.0 + clip) * a;
  return -torch::min(unclipped, clipped).mean();
}

at::Tensor policy_kl(const at::Tensor& mean, const at::Tensor& reference_mean, const at::Tensor& atoms, double sigma) {
  const at::Tensor coefficients = project((mean - reference_mean).unsqueeze(1), atoms);
  return coefficients.pow(2).sum({1, 2, 3}).mean() / (2 * sigma * sigma);
}

}  // namespace rirf::train
