// Batches made ahead by worker threads: without workers exactly the caller's stream, with
// workers each thread's own stream, and a worker's failure reaches the training loop.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <stdexcept>

#include "rirf/error.hpp"
#include "train/prefetcher.hpp"

namespace {
using rirf::Rng;
using rirf::train::Prefetcher;

TEST(Prefetcher, WithoutWorkersIsTheCallersStream) {
  Prefetcher<std::uint64_t> batches([](Rng& r) { return r.next_u64(); }, 0, 99);
  Rng a(7), b(7);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(batches.next(a), b.next_u64());
}

TEST(Prefetcher, WorkersDrawFromTheirOwnStreams) {
  std::atomic<int> made{0};
  std::set<std::uint64_t> seen;
  {
    Prefetcher<std::uint64_t> batches(
        [&](Rng& r) {
          ++made;
          return r.next_u64();
        },
        3, 5, 4);
    Rng unused(1);
    for (int i = 0; i < 30; ++i) seen.insert(batches.next(unused));
  }  // joins the workers while they wait on a full queue
  EXPECT_EQ(seen.size(), 30u);  // no batch handed out twice, no stream repeated
  EXPECT_GE(made.load(), 30);
}

TEST(Prefetcher, AWorkersErrorReachesTheCaller) {
  Prefetcher<int> batches([](Rng&) -> int { throw rirf::Error("bad photo"); }, 2, 5);
  Rng unused(1);
  EXPECT_THROW(batches.next(unused), rirf::Error);
}

}  // namespace
