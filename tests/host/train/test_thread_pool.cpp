// thread_pool: parallel_for covers [0, count) exactly once in contiguous chunks, uses the worker
// threads, returns only when all chunks are done, and survives many back-to-back calls.
#include "staticnn/train/thread_pool.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <mutex>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "staticnn/core/parallel.hpp"

using staticnn::train::thread_pool;

static_assert(staticnn::Executor<thread_pool>);
static_assert(staticnn::Executor<staticnn::serial_executor>);

TEST_CASE("thread_pool: size, and at least one thread") {
  CHECK(thread_pool(3).size() == 3);
  CHECK(thread_pool(0).size() == 1);
}

TEST_CASE("thread_pool: every index exactly once, in one contiguous chunk per thread") {
  for (const std::size_t threads : {1u, 2u, 3u, 4u}) {
    thread_pool pool(threads);
    for (const std::size_t count : {1u, 2u, 3u, 5u, 10u, 97u}) {
      CAPTURE(threads);
      CAPTURE(count);
      std::vector<std::atomic<int>> hits(count);
      std::mutex m;
      std::vector<std::pair<std::size_t, std::size_t>> chunks;
      pool.parallel_for(count, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) hits[i].fetch_add(1);
        const std::lock_guard<std::mutex> lock(m);
        chunks.emplace_back(b, e);
      });
      for (std::size_t i = 0; i < count; ++i) CHECK(hits[i].load() == 1);
      // min(threads, count) chunks, split as [count*i/used, count*(i+1)/used).
      const std::size_t used = std::min(threads, count);
      std::sort(chunks.begin(), chunks.end());
      REQUIRE(chunks.size() == used);
      for (std::size_t i = 0; i < used; ++i) {
        CHECK(chunks[i].first == count * i / used);
        CHECK(chunks[i].second == count * (i + 1) / used);
      }
    }
  }
}

TEST_CASE("thread_pool: count 0 calls nothing") {
  thread_pool pool(2);
  int calls = 0;
  pool.parallel_for(0, [&](std::size_t, std::size_t) { ++calls; });
  CHECK(calls == 0);
}

TEST_CASE("thread_pool: chunks run on distinct threads, chunk 0 on the caller") {
  thread_pool pool(3);
  std::mutex m;
  std::vector<std::pair<std::size_t, std::thread::id>> ids;
  pool.parallel_for(3, [&](std::size_t b, std::size_t) {
    const std::lock_guard<std::mutex> lock(m);
    ids.emplace_back(b, std::this_thread::get_id());
  });
  REQUIRE(ids.size() == 3);
  std::set<std::thread::id> distinct;
  for (const auto& [b, id] : ids) {
    distinct.insert(id);
    if (b == 0) CHECK(id == std::this_thread::get_id());
  }
  CHECK(distinct.size() == 3);
}

TEST_CASE("thread_pool: all work is finished when parallel_for returns, call after call") {
  // Each call writes one generation number into every slot; a chunk that lagged into the next
  // call, or a return before a worker finished, would leave a stale or missing value.
  thread_pool pool(3);
  std::vector<std::size_t> slots(64, 0);
  for (std::size_t gen = 1; gen <= 2000; ++gen) {
    const std::size_t count = 1 + gen % 64;
    pool.parallel_for(count, [&](std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) slots[i] = gen;
    });
    bool ok = true;
    for (std::size_t i = 0; i < count; ++i) ok = ok && slots[i] == gen;
    REQUIRE(ok);
  }
}

TEST_CASE("thread_pool: works for callables passed as lvalues") {
  thread_pool pool(2);
  std::atomic<std::size_t> total{0};
  auto f = [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) total.fetch_add(i);
  };
  pool.parallel_for(100, f);
  CHECK(total.load() == 4950);
}
