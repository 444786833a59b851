// The RL stage's maths: the exploration subspace, the policy's log-probability, group
// advantages, the clipped objective, and that an update moves a model towards what the reward
// prefers (the sign is right).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "train/grpo.hpp"

namespace rirf::train {
namespace {

TEST(Grpo, AtomsAreOrthonormalAndDistinct) {
  Rng rng(3);
  const at::Tensor atoms = random_dct_atoms(12, 10, 40, rng).reshape({40, -1});
  EXPECT_TRUE(torch::allclose(torch::mm(atoms, atoms.t()), torch::eye(40), 1e-4, 1e-5));
  // Asking for more atoms than the image has gives every one of them once.
  EXPECT_EQ(random_dct_atoms(4, 4, 100, rng).size(0), 16);
}

TEST(Grpo, AdvantagesAreZeroMeanWithinEachGroup) {
  const at::Tensor rewards = torch::tensor({{1.0f, 2.0f, 3.0f, 6.0f}, {-5.0f, -5.0f, -5.0f, -5.0f}, {0.1f, 0.0f, 0.3f, 0.2f}});
  const at::Tensor a = group_advantages(rewards);
  EXPECT_TRUE(torch::allclose(a.mean(1), torch::zeros({3}), 1e-5, 1e-6));
  EXPECT_NEAR(a[0].pow(2).mean().item<double>(), 1.0, 1e-4);
  EXPECT_NEAR(a[2].pow(2).mean().item<double>(), 1.0, 1e-4);
  EXPECT_TRUE(torch::equal(a[1], torch::zeros({4})));  // equal rewards: nothing to prefer
  // Order within the group is kept: the best sample has the largest advantage.
  EXPECT_EQ(a[0].argmax().item<int64_t>(), 3);
}

TEST(Grpo, AFloorOnTheSpreadKeepsHairlineDifferencesSmall) {
  const at::Tensor rewards = torch::tensor({{0.0f, 1e-4f, 2e-4f, 3e-4f}, {0.0f, 0.1f, 0.2f, 0.3f}});
  const at::Tensor floored = group_advantages(rewards, 0.01);
  EXPECT_TRUE(torch::allclose(floored.mean(1), torch::zeros({2}), 1e-5, 1e-6));
  EXPECT_LT(floored[0].abs().max().item<double>(), 0.02);        // spread 1.1e-4 against a floor of 0.01
  EXPECT_NEAR(floored[1].pow(2).mean().item<double>(), 1.0, 1e-4);  // above the floor: unit spread as before
  EXPECT_GT(group_advantages(rewards)[0].pow(2).mean().item<double>(), 0.95);  // without it: amplified to ~unit
}

TEST(Grpo, LogProbabilityIsTheGaussianOfTheDrawnCoefficients) {
  Rng rng(5);
  const double sigma = 0.05;
  const at::Tensor mean = torch::rand({2, 3, 16, 16});
  const Exploration e = explore(mean, 8, 20, sigma, rng);
  EXPECT_EQ(e.samples.sizes(), (std::vector<int64_t>{2, 8, 3, 16, 16}));
  // Under the mean that drew them each term is -z^2/2 with z ~ N(0, 1): mean -1/2.
  const at::Tensor terms = log_prob(mean, e, sigma);
  EXPECT_TRUE(torch::allclose(terms, e.old_log_prob));
  EXPECT_NEAR(terms.mean().item<double>(), -0.5, 0.08);
  EXPECT_LE(terms.max().item<double>(), 0.0);
  // The samples differ from the mean only inside the atoms' span.
  const at::Tensor offsets = (e.samples - mean.unsqueeze(1)).reshape({2, 8 * 3, -1});
  const at::Tensor basis = e.atoms.reshape({2, 20, -1});
  const at::Tensor back = torch::bmm(torch::bmm(offsets, basis.transpose(1, 2)), basis);
  EXPECT_TRUE(torch::allclose(back, offsets, 1e-4, 1e-5));
  // KL of a policy with itself is 0, and grows with the distance of the means.
  EXPECT_NEAR(policy_kl(mean, mean, e.atoms, sigma).item<double>(), 0.0, 1e-9);
  EXPECT_GT(policy_kl(mean + 0.01, mean, e.atoms, sigma).item<double>(), 0.0);
}

TEST(Grpo, ClippedObjectiveStopsPushingOutsideTheClip) {
  const at::Tensor old_lp = torch::zeros({1, 2, 1});
  const at::Tensor advantages = torch::tensor({{1.0f, -1.0f}});
  // Inside the clip, the gradient raises the good sample's log-probability and lowers the bad.
  at::Tensor lp = torch::zeros({1, 2, 1}, torch::requires_grad());
  clipped_policy_loss(lp, old_lp, advantages, 0.2).backward();
  EXPECT_LT(lp.grad()[0][0][0].item<double>(), 0.0);  // minimising: descent raises it
  EXPECT_GT(lp.grad()[0][1][0].item<double>(), 0.0);
  // Past 1 + clip with a positive advantage (or below 1 - clip with a negative): no push.
  at::Tensor far = torch::tensor({{{0.5f}, {-0.5f}}}).requires_grad_();
  clipped_policy_loss(far, old_lp, advantages, 0.2).backward();
  EXPECT_EQ(far.grad().abs().sum().item<double>(), 0.0);
}

// A tiny "restorer" whose output is a learnable image; the reward prefers brighter (or darker)
// samples. A few GRPO updates must move the output that way.
double brightness_after_training(double direction) {
  torch::manual_seed(1);
  Rng rng(11);
  at::Tensor image = torch::full({4, 3, 8, 8}, 0.5f).requires_grad_();
  torch::optim::Adam optimizer({image}, torch::optim::AdamOptions(1e-2));
  const double sigma = 0.05;
  for (int step = 0; step < 30; ++step) {
    const Exploration e = explore(image, 6, 16, sigma, rng);
    const at::Tensor rewards = direction * e.samples.mean({2, 3, 4});
    const at::Tensor advantages = group_advantages(rewards);
    for (int epoch = 0; epoch < 2; ++epoch) {
      optimizer.zero_grad();
      clipped_policy_loss(log_prob(image, e, sigma), e.old_log_prob, advantages, 0.2).backward();
      optimizer.step();
    }
  }
  return image.mean().item<double>();
}

TEST(Grpo, UpdatesMoveTheModelTowardsWhatTheRewardPrefers) {
  EXPECT_GT(brightness_after_training(+1.0), 0.52);
  EXPECT_LT(brightness_after_training(-1.0), 0.48);
}

TEST(Grpo, VectorPolicyLogProbabilityAndKl) {
  Rng rng(5);
  const at::Tensor mean = torch::randn({3, 7});
  const double sigma = 0.1;
  const VectorExploration e = explore_vector(mean, 4, sigma, rng);
  ASSERT_EQ(e.samples.sizes(), (std::vector<std::int64_t>{3, 4, 7}));
  const at::Tensor z = (e.samples - mean.unsqueeze(1)) / sigma;
  EXPECT_TRUE(torch::allclose(e.old_log_prob, -z.pow(2) / 2, 1e-4, 1e-4));
  EXPECT_TRUE(torch::allclose(vector_log_prob(mean, e.samples, sigma), e.old_log_prob));
  EXPECT_NEAR(vector_kl(mean + 0.1, mean, sigma).item<double>(), 7 * 0.01 / (2 * 0.01), 1e-4);
}

TEST(Grpo, MirroredSamplesComeInPairsThroughTheMean) {
  Rng rng(6);
  const at::Tensor mean = torch::randn({2, 5});
  const VectorExploration e = explore_vector(mean, 6, 0.1, rng, true);
  const at::Tensor offsets = e.samples - mean.unsqueeze(1);
  EXPECT_TRUE(torch::allclose(offsets.slice(1, 0, 3), -offsets.slice(1, 3, 6)));
  EXPECT_GT(offsets.abs().min().item<double>(), 0.0);
}

// A tiny "restorer" whose output is a fixed image scaled by a learnable modulation m (one value
// per input, as the film policy explores the network's modulations, not its pixels); the reward
// prefers brighter (or darker) outputs. A few GRPO updates must move the modulation that way.
double modulation_after_training(double direction) {
  Rng rng(13);
  at::Tensor modulation = torch::zeros({4, 1}).requires_grad_();
  const at::Tensor image = torch::full({4, 1, 3, 8, 8}, 0.5f);
  torch::optim::Adam optimizer({modulation}, torch::optim::AdamOptions(1e-2));
  const double sigma = 0.05;
  for (int step = 0; step < 30; ++step) {
    const VectorExploration e = explore_vector(modulation, 6, sigma, rng);
    const at::Tensor outputs = image * (1.0 + e.samples.reshape({4, 6, 1, 1, 1}));  // [B, G, 3, 8, 8]
    const at::Tensor advantages = group_advantages(direction * outputs.mean({2, 3, 4}));
    for (int epoch = 0; epoch < 2; ++epoch) {
      optimizer.zero_grad();
      clipped_policy_loss(vector_log_prob(modulation, e.samples, sigma), e.old_log_prob, advantages, 0.2).backward();
      optimizer.step();
    }
  }
  return modulation.mean().item<double>();
}

TEST(Grpo, VectorPolicyUpdatesMoveTheModulationTowardsWhatTheRewardPrefers) {
  EXPECT_GT(modulation_after_training(+1.0), 0.1);
  EXPECT_LT(modulation_after_training(-1.0), -0.1);
}

}  // namespace
}  // namespace rirf::train
