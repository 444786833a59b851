// Data-parallel training: the launcher's environment, and two ranks on loopback (threads of this
// process) against one process training on the union of their batches.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/torch.h>
#include <unistd.h>

#include <cstdlib>

#include <map>
#include <thread>

#include "rirf/error.hpp"
#include "rirf/train.hpp"
#include "train/data_parallel.hpp"

namespace rirf {
namespace {

DistributedOptions from(const std::map<std::string, std::string>& env) {
  return distributed_from_environment([&env](const char* name) -> const char* {
    const auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
}

TEST(DistributedOptions, ReadsTorchrunThenSlurmVariables) {
  const auto none = from({});
  EXPECT_EQ(none.world_size, 1);
  EXPECT_EQ(none.rank, 0);
  const auto torchrun = from({{"WORLD_SIZE", "4"}, {"RANK", "3"}, {"LOCAL_WORLD_SIZE", "2"}, {"MASTER_ADDR", "node7"},
                              {"MASTER_PORT", "1234"}, {"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "9"}});
  EXPECT_EQ(torchrun.world_size, 4);
  EXPECT_EQ(torchrun.rank, 3);
  EXPECT_EQ(torchrun.local_world_size, 2);
  EXPECT_EQ(torchrun.master_addr, "node7");
  EXPECT_EQ(torchrun.master_port, 1234);
  const auto slurm = from({{"SLURM_NTASKS", "6"}, {"SLURM_PROCID", "5"}, {"SLURM_NTASKS_PER_NODE", "3(x2)"}});
  EXPECT_EQ(slurm.world_size, 6);
  EXPECT_EQ(slurm.rank, 5);
  EXPECT_EQ(slurm.local_world_size, 3);
  EXPECT_NO_THROW(slurm.validate());
}

TEST(DistributedOptions, RejectsBadValuesWithTheirName) {
  try {
    from({{"RANK", "one"}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("RANK"), std::string::npos) << e.what();
  }
  EXPECT_THROW(from({{"MASTER_PORT", "80x"}}), Error);
  EXPECT_THROW(from({{"WORLD_SIZE", "2"}, {"RANK", "2"}}).validate(), Error);
  EXPECT_THROW(from({{"WORLD_SIZE", "0"}}).validate(), Error);
  EXPECT_THROW(from({{"MASTER_PORT", "70000"}}).validate(), Error);
  DistributedOptions o;
  set_master(o, "10.0.0.2:29400");
  EXPECT_EQ(o.master_addr, "10.0.0.2");
  EXPECT_EQ(o.master_port, 29400);
  for (const char* bad : {"host", "host:", ":80", "host:port", "host:80:"}) EXPECT_THROW(set_master(o, bad), Error) << bad;
}

// A port nobody listens on right now (the kernel's choice for an ephemeral bind).
int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

torch::nn::Sequential tiny_model(std::uint64_t seed) {
  torch::manual_seed(seed);
  return torch::nn::Sequential(torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 6, 3).padding(1)), torch::nn::ReLU(),
                               torch::nn::Conv2d(torch::nn::Conv2dOptions(6, 3, 3).padding(1)));
}

std::vector<at::Tensor> snapshot(torch::nn::Sequential& model) {
  std::vector<at::Tensor> out;
  for (const auto& p : model->parameters()) out.push_back(p.detach().clone());
  return out;
}

// One optimiser step on (x, y); with `ranks`, gradients are averaged over the ranks first.
void train_step(torch::nn::Sequential& model, torch::optim::AdamW& optimizer, const at::Tensor& x, const at::Tensor& y,
                train::DataParallel* ranks) {
  optimizer.zero_grad();
  torch::mse_loss(model->forward(x), y).backward();
  if (ranks) ranks->average_gradients(model->parameters());
  optimizer.step();
}

TEST(DataParallel, TwoRanksStayIdenticalAndMatchOneProcessOnTheUnionOfTheirBatches) {
  constexpr int kSteps = 5;
  torch::manual_seed(7);
  std::vector<at::Tensor> x[2], y[2];
  for (int r = 0; r < 2; ++r)
    for (int s = 0; s < kSteps; ++s) x[r].push_back(torch::rand({2, 3, 8, 8})), y[r].push_back(torch::rand({2, 3, 8, 8}));

  DistributedOptions options;
  options.world_size = 2;
  options.master_port = free_port();
  options.timeout_s = 30;
  std::vector<std::vector<at::Tensor>> after[2];  // per rank, the parameters after each step
  std::string failure[2];
  std::vector<at::Tensor> initial;
  const auto rank_main = [&](int rank) {
    try {
      DistributedOptions mine = options;
      mine.rank = rank;
      // Small buckets: the 4 parameter tensors travel in several all-reduces.
      train::DataParallel ranks(mine, {}, /*bucket_bytes=*/512);
      auto model = tiny_model(100 + rank);  // different initial weights: broadcast must fix that
      ranks.broadcast(model->parameters());
      if (rank == 0) initial = snapshot(model);
      torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-2));
      for (int s = 0; s < kSteps; ++s) {
        train_step(model, optimizer, x[rank][s], y[rank][s], &ranks);
        after[rank].push_back(snapshot(model));
      }
      ranks.check_identical(model->parameters());
    } catch (const std::exception& e) {
      failure[rank] = e.what();
    }
  };
  std::thread rank1(rank_main, 1);
  rank_main(0);
  rank1.join();
  ASSERT_EQ(failure[0], "");
  ASSERT_EQ(failure[1], "");

  // One process from rank 0's initial weights (the threads' seeds raced on torch's global generator).
  auto reference = tiny_model(0);
  {
    torch::NoGradGuard no_grad;
    for (std::size_t i = 0; i < initial.size(); ++i) reference->parameters()[i].copy_(initial[i]);
  }
  torch::optim::AdamW optimizer(reference->parameters(), torch::optim::AdamWOptions(1e-2));
  for (int s = 0; s < kSteps; ++s) {
    train_step(reference, optimizer, torch::cat({x[0][s], x[1][s]}), torch::cat({y[0][s], y[1][s]}), nullptr);
    const auto expected = snapshot(reference);
    for (std::size_t i = 0; i < expected.size(); ++i) {
      EXPECT_TRUE(torch::equal(after[0][s][i], after[1][s][i])) << "step " << s << " tensor " << i;
      EXPECT_TRUE(torch::allclose(after[0][s][i], expected[i], 1e-5, 1e-6)) << "step " << s << " tensor " << i;
    }
  }
  // The weights moved: the comparison above is not between untouched copies.
  EXPECT_FALSE(torch::allclose(after[0].back()[0], initial[0]));
}

TEST(DataParallel, DifferingParametersAreCaught) {
  DistributedOptions options;
  options.world_size = 2;
  options.master_port = free_port();
  options.timeout_s = 30;
  std::string failure[2];
  const auto rank_main = [&](int rank) {
    try {
      DistributedOptions mine = options;
      mine.rank = rank;
      train::DataParallel ranks(mine);
      ranks.check_identical({torch::full({3}, static_cast<float>(rank))});
    } catch (const Error& e) {
      failure[rank] = e.what();
    }
  };
  std::thread rank1(rank_main, 1);
  rank_main(0);
  rank1.join();
  EXPECT_NE(failure[0].find("parameters differ"), std::string::npos) << failure[0];
  EXPECT_NE(failure[1].find("parameters differ"), std::string::npos) << failure[1];
}

// Under torchrun the agent serves the store and every rank, rank 0 included, is its client.
TEST(DataParallel, JoinsTheStoreOfATorchrunAgent) {
  DistributedOptions options;
  options.world_size = 2;
  options.master_port = free_port();
  options.timeout_s = 30;
  ::c10d::TCPStoreOptions agent_options;
  agent_options.port = static_cast<std::uint16_t>(options.master_port);
  agent_options.isServer = true;
  agent_options.waitWorkers = false;
  const auto agent = c10::make_intrusive<::c10d::TCPStore>("127.0.0.1", agent_options);
  setenv("TORCHELASTIC_USE_AGENT_STORE", "True", 1);
  std::string failure[2];
  std::string shared[2];
  const auto rank_main = [&](int rank) {
    try {
      DistributedOptions mine = options;
      mine.rank = rank;
      train::DataParallel ranks(mine);
      shared[rank] = ranks.share("greeting", rank == 0 ? "from rank 0" : "");
      ranks.check_identical({torch::ones({4})});
    } catch (const std::exception& e) {
      failure[rank] = e.what();
    }
  };
  std::thread rank1(rank_main, 1);
  rank_main(0);
  rank1.join();
  unsetenv("TORCHELASTIC_USE_AGENT_STORE");
  EXPECT_EQ(failure[0], "");
  EXPECT_EQ(failure[1], "");
  EXPECT_EQ(shared[1], "from rank 0");
  EXPECT_TRUE(agent->check({"/worker/attempt_0/rirf/greeting"}));
}

TEST(DataParallel, OneProcessNeedsNoNetworkAndKeepsItsSeed) {
  train::DataParallel alone(DistributedOptions{});
  EXPECT_FALSE(alone.enabled());
  EXPECT_EQ(alone.data_seed(42), 42u);
  EXPECT_EQ(alone.share("key", "value"), "value");
  DistributedOptions second;
  second.world_size = 2;
  second.rank = 1;
  second.timeout_s = 1;
  second.master_port = free_port();
  // Rank 1 with no rank 0 anywhere: a clear error after the timeout, not a hang.
  const auto start = std::chrono::steady_clock::now();
  try {
    train::DataParallel lonely(second);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("could not join"), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

}  // namespace
}  // namespace rirf
