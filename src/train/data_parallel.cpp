#include "train/data_parallel.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <c10/util/Exception.h>
#include <torch/torch.h>
#ifdef RIRF_WITH_GLOO  // off in a build for one process (a GPU node without Debian's libgloo-dev)
#include <glog/logging.h>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <thread>

#include "rirf/error.hpp"
#include "rirf/rng.hpp"

namespace rirf::train {
namespace {
#ifdef RIRF_WITH_GLOO  // every helper below serves the collectives, which a one-process build lacks

using Clock = std::chrono::steady_clock;

// c10d's messages carry a C++ backtrace; the user needs the first line.
std::string first_line(const std::exception& e) {
  const auto* c10 = dynamic_cast<const c10::Error*>(&e);
  std::string text = c10 ? c10->what_without_backtrace() : e.what();
  return text.substr(0, text.find('\n'));
}

// The address of this machine's interface that routes to the master (a connected UDP socket
// sends nothing), so that a host whose name resolves to 127.0.1.1, as Debian's /etc/hosts
// does, still binds where other machines reach it. Empty when it cannot be found.
std::string local_address_towards(const std::string& host, int port) {
  addrinfo hints{}, *found = nullptr;
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0 || !found) return {};
  std::string address;
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd >= 0 && connect(fd, found->ai_addr, found->ai_addrlen) == 0) {
    sockaddr_in local{};
    socklen_t length = sizeof local;
    char text[INET_ADDRSTRLEN] = {};
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) == 0 &&
        inet_ntop(AF_INET, &local.sin_addr, text, sizeof text))
      address = text;
  }
  if (fd >= 0) close(fd);
  freeaddrinfo(found);
  return address;
}

std::shared_ptr<::gloo::transport::Device> gloo_device(const DistributedOptions& o) {
  using PG = ::c10d::ProcessGroupGloo;
  if (const char* interface = std::getenv("GLOO_SOCKET_IFNAME")) return PG::createDeviceForInterface(interface);
  const std::string local = local_address_towards(o.master_addr, o.master_port);
  return local.empty() ? PG::createDefaultDevice() : PG::createDeviceForHostname(local);
}

// Consecutive tensors grouped so that each group holds at most `bytes` (a bigger tensor alone).
std::vector<std::vector<at::Tensor>> buckets(const std::vector<at::Tensor>& tensors, std::int64_t bytes) {
  std::vector<std::vector<at::Tensor>> out;
  std::int64_t filled = 0;
  for (const auto& t : tensors) {
    const std::int64_t size = t.numel() * static_cast<std::int64_t>(t.element_size());
    if (out.empty() || filled + size > bytes) out.emplace_back(), filled = 0;
    out.back().push_back(t);
    filled += size;
  }
  return out;
}

at::Tensor flatten(const std::vector<at::Tensor>& tensors) {
  std::vector<at::Tensor> flat;
  for (const auto& t : tensors) flat.push_back(t.detach().reshape(-1));
  return torch::cat(flat);
}

void unflatten(const at::Tensor& flat, const std::vector<at::Tensor>& tensors) {
  torch::NoGradGuard no_grad;
  std::int64_t offset = 0;
  for (const auto& t : tensors) {
    t.copy_(flat.slice(0, offset, offset + t.numel()).view_as(t));
    offset += t.numel();
  }
}

// Calls `say` once if it is not destroyed within `after`: a notice for a wait that drags on.
class LateNotice {
 public:
  LateNotice(std::function<void()> say, std::chrono::milliseconds after)
      : thread_([this, say = std::move(say), after] {
          std::unique_lock<std::mutex> lock(mutex_);
          if (!ended_.wait_for(lock, after, [this] { return done_; })) say();
        }) {}
  ~LateNotice() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    ended_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable ended_;
  bool done_ = false;
  std::thread thread_;  // last: it starts once the members above exist
};

#endif

}  // namespace

#ifdef RIRF_WITH_GLOO
struct DataParallel::Group {
  c10::intrusive_ptr<::c10d::Store> store;
  c10::intrusive_ptr<::c10d::ProcessGroupGloo> gloo;
  std::string where;  // "rank R of N", for messages

  // Runs one collective, turning c10d's failure (a closed connection, a timeout) into one line.
  template <typename F>
  void run(const std::string& what, F&& collective) {
    try {
      collective()->wait();
    } catch (const std::exception& e) {
      throw Error("distributed training: " + what + " failed on " + where +
                  " (another rank died, hung or timed out): " + first_line(e));
    }
  }
};
#else
struct DataParallel::Group {};
#endif

DataParallel::DataParallel(const DistributedOptions& options, const std::function<void(const std::string&)>& log,
                           std::int64_t bucket_bytes)
    : rank_(options.rank), world_size_(options.world_size), bucket_bytes_(bucket_bytes) {
  options.validate();
  if (world_size_ == 1) return;
#ifndef RIRF_WITH_GLOO
  throw Error("distributed training: this rirf was built without c10d's Gloo (RIRF_WITH_GLOO=OFF): run one process");
#else
  // c10d also logs its failures through glog (several lines with a banner); the Error thrown
  // here says the same on one line.
  FLAGS_minloglevel = google::GLOG_FATAL;
  group_ = std::make_unique<Group>();
  group_->where = "rank " + std::to_string(rank_) + " of " + std::to_string(world_size_);
  const auto timeout = std::chrono::milliseconds(std::int64_t{options.timeout_s} * 1000);
  const std::string master = options.master_addr + ":" + std::to_string(options.master_port);
  // Under torchrun the launcher's agent already serves the store at MASTER_ADDR:MASTER_PORT and
  // says so; every rank is then its client, under the key prefix PyTorch's own workers use.
  const char* agent_store = std::getenv("TORCHELASTIC_USE_AGENT_STORE");
  const bool use_agent_store = agent_store && std::string(agent_store) == "True";
  if (log && rank_ == 0)
    log("waiting up to " + std::to_string(options.timeout_s) + " s for " + std::to_string(world_size_ - 1) +
        " more rank(s) to join at " + master);
  // The other ranks stay silent, as in the rest of the run, unless the wait drags on (a master
  // that was never started): then they say so halfway, or after 30 s.
  std::optional<LateNotice> notice;
  if (log && rank_ != 0)
    notice.emplace([&log, where = group_->where, master, timeout_s = options.timeout_s] {
      log(where + ": still waiting to join the group at " + master + " (gives up after " + std::to_string(timeout_s) + " s)");
    }, std::min(std::chrono::milliseconds(30'000), timeout / 2));
  try {
    ::c10d::TCPStoreOptions store_options;
    store_options.port = static_cast<std::uint16_t>(options.master_port);
    store_options.isServer = rank_ == 0 && !use_agent_store;
    store_options.numWorkers = static_cast<std::size_t>(world_size_);
    store_options.waitWorkers = false;  // the process group waits for the ranks: one timeout, not two
    store_options.timeout = timeout;
    group_->store = c10::make_intrusive<::c10d::TCPStore>(options.master_addr, store_options);
    if (use_agent_store) {
      const char* restarts = std::getenv("TORCHELASTIC_RESTART_COUNT");
      group_->store = c10::make_intrusive<::c10d::PrefixStore>(
          std::string("/worker/attempt_") + (restarts ? restarts : "0"), group_->store);
    }
    auto gloo_options = ::c10d::ProcessGroupGloo::Options::create(timeout);
    gloo_options->devices.push_back(gloo_device(options));
    group_->gloo = c10::make_intrusive<::c10d::ProcessGroupGloo>(group_->store, rank_, world_size_, gloo_options);
  } catch (const std::exception& e) {
    throw Error("distributed training: " + group_->where + " could not join the group at " + master + " within " +
                std::to_string(options.timeout_s) + " s: " + first_line(e));
  }
#endif
}

DataParallel::~DataParallel() = default;

std::uint64_t DataParallel::data_seed(std::uint64_t seed) const {
  return rank_ == 0 ? seed : derive_seed(seed, 0xD15'7000ULL + static_cast<std::uint64_t>(rank_));
}

void DataParallel::broadcast([[maybe_unused]] const std::vector<at::Tensor>& tensors) {
  if (!enabled()) return;
#ifdef RIRF_WITH_GLOO
  for (const auto& bucket : buckets(tensors, bucket_bytes_)) {
    std::vector<at::Tensor> flat{flatten(bucket)};
    group_->run("broadcast", [&] { return group_->gloo->broadcast(flat); });
    unflatten(flat[0], bucket);
  }
#endif
}

void DataParallel::average_gradients([[maybe_unused]] const std::vector<at::Tensor>& parameters) {
  if (!enabled()) return;
#ifdef RIRF_WITH_GLOO
  const auto start = Clock::now();
  std::vector<at::Tensor> grads;
  for (auto p : parameters) {
    if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
    grads.push_back(p.grad());
  }
  for (const auto& bucket : buckets(grads, bucket_bytes_)) {
    std::vector<at::Tensor> flat{flatten(bucket)};
    group_->run("gradient all-reduce", [&] { return group_->gloo->allreduce(flat); });
    flat[0].div_(world_size_);
    unflatten(flat[0], bucket);
  }
  reduce_seconds_ += std::chrono::duration<double>(Clock::now() - start).count();
  ++reduce_calls_;
#endif
}

std::string DataParallel::share([[maybe_unused]] const std::string& key, const std::string& value) {
  if (!enabled()) return value;
#ifdef RIRF_WITH_GLOO
  try {
    if (is_main()) {
      group_->store->set("rirf/" + key, std::vector<std::uint8_t>(value.begin(), value.end()));
      return value;
    }
    const auto bytes = group_->store->get("rirf/" + key);
    return std::string(bytes.begin(), bytes.end());
  } catch (const std::exception& e) {
    throw Error("distributed training: receiving '" + key + "' from rank 0 failed on " + group_->where + ": " +
                first_line(e));
  }
#else
  return value;
#endif
}

void DataParallel::check_identical([[maybe_unused]] const std::vector<at::Tensor>& tensors) {
  if (!enabled()) return;
#ifdef RIRF_WITH_GLOO
  // FNV-1a of the raw bytes; all-reduce its two halves with MAX and their negations with MAX
  // (= MIN): the ranks agree iff max == min.
  std::uint64_t hash = 0xCBF29CE484222325ULL;
  for (const auto& t : tensors) {
    const at::Tensor c = t.detach().contiguous();
    const auto* bytes = static_cast<const std::uint8_t*>(c.data_ptr());
    for (std::int64_t i = 0; i < c.numel() * static_cast<std::int64_t>(c.element_size()); ++i)
      hash = (hash ^ bytes[i]) * 0x100000001B3ULL;
  }
  const auto hi = static_cast<std::int64_t>(hash >> 32), lo = static_cast<std::int64_t>(hash & 0xFFFFFFFFULL);
  std::vector<at::Tensor> v{torch::tensor({hi, lo, -hi, -lo}, torch::kLong)};
  ::c10d::AllreduceOptions max;
  max.reduceOp = ::c10d::ReduceOp::MAX;
  group_->run("parameter check", [&] { return group_->gloo->allreduce(v, max); });
  const auto* r = v[0].data_ptr<std::int64_t>();
  check(r[0] == -r[2] && r[1] == -r[3],
        "distributed training: the ranks' parameters differ (seen on " + group_->where + ")");
#endif
}

double DataParallel::take_reduce_ms() {
  const double ms = reduce_calls_ ? 1000.0 * reduce_seconds_ / reduce_calls_ : 0.0;
  reduce_seconds_ = 0;
  reduce_calls_ = 0;
  return ms;
}

}  // namespace rirf::train
