// Internal: training batches made ahead of the optimiser by worker threads. With a GPU the
// network's step takes a few milliseconds and the CPU-side degradation engine and reasoner are
// the bottleneck; several workers, each with its own data stream, keep the GPU fed. With no
// workers, next() makes the batch on the caller's thread from the caller's stream, exactly as
// a plain loop would (the reproducible, resumable default).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "rirf/rng.hpp"

namespace rirf::train {

template <typename Batch>
class Prefetcher {
 public:
  using Make = std::function<Batch(Rng&)>;

  // Worker i draws from Rng(derive_seed(seed, i)); at most `capacity` batches wait.
  Prefetcher(Make make, int workers, std::uint64_t seed, std::size_t capacity = 8)
      : make_(std::move(make)), capacity_(capacity) {
    for (int i = 0; i < workers; ++i)
      threads_.emplace_back([this, i, seed] { work(Rng(derive_seed(seed, 0xFE7C'0000ULL + static_cast<std::uint64_t>(i)))); });
  }
  ~Prefetcher() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    for (auto& t : threads_) t.join();
  }
  Prefetcher(const Prefetcher&) = delete;
  Prefetcher& operator=(const Prefetcher&) = delete;

  // The next batch; `rng` is used only without workers. A worker's exception is rethrown here.
  Batch next(Rng& rng) {
    if (threads_.empty()) return make_(rng);
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return !ready_.empty() || failure_; });
    if (failure_) std::rethrow_exception(failure_);
    Batch batch = std::move(ready_.front());
    ready_.pop_front();
    changed_.notify_all();
    return batch;
  }

 private:
  void work(Rng rng) {
    try {
      while (true) {
        {
          std::unique_lock<std::mutex> lock(mutex_);
          changed_.wait(lock, [this] { return stopping_ || ready_.size() < capacity_; });
          if (stopping_) return;
        }
        Batch batch = make_(rng);
        std::lock_guard<std::mutex> lock(mutex_);
        ready_.push_back(std::move(batch));
        changed_.notify_all();
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!failure_) failure_ = std::current_exception();
      changed_.notify_all();
    }
  }

  Make make_;
  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Batch> ready_;
  std::exception_ptr failure_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;  // last: started after every other member exists
};

}  // namespace rirf::train
