// ThreadPool: every task runs exactly once, on at most the threads asked
// for, errors come back to the caller, and the pool survives many jobs.
#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include <liveformer/core/thread_pool.hpp>

using lf::ThreadPool;

TEST_CASE("ThreadPool runs every task exactly once", "[core][threads]") {
  for (int size : {1, 2, 4}) {
    ThreadPool pool(size);
    CHECK(pool.size() == size);
    for (std::int64_t n : {0, 1, 3, 100, 1000}) {
      std::vector<std::atomic<int>> hits(static_cast<std::size_t>(n));
      pool.run(n, [&](std::int64_t i) { hits[static_cast<std::size_t>(i)].fetch_add(1); });
      for (std::int64_t i = 0; i < n; ++i) {
        INFO("pool " << size << ", " << n << " tasks, task " << i);
        CHECK(hits[static_cast<std::size_t>(i)].load() == 1);
      }
    }
  }
}

TEST_CASE("ThreadPool uses at most max_threads threads, the caller among them", "[core][threads]") {
  ThreadPool pool(4);
  for (int max_threads : {1, 2, 3, 4}) {
    std::mutex m;
    std::set<std::thread::id> seen;
    std::atomic<int> running{0}, peak{0};
    pool.run(
        64,
        [&](std::int64_t) {
          const int now = running.fetch_add(1) + 1;
          int p = peak.load();
          while (now > p && !peak.compare_exchange_weak(p, now)) {
          }
          std::this_thread::sleep_for(std::chrono::microseconds(200));
          running.fetch_sub(1);
          std::lock_guard<std::mutex> lock(m);
          seen.insert(std::this_thread::get_id());
        },
        max_threads);
    INFO("max_threads " << max_threads);
    CHECK(static_cast<int>(seen.size()) <= max_threads);
    CHECK(peak.load() <= max_threads);
    if (max_threads == 1) CHECK(seen.count(std::this_thread::get_id()) == 1);
  }
}

TEST_CASE("ThreadPool rethrows a task's exception after the job ends, and keeps working", "[core][threads]") {
  ThreadPool pool(3);
  std::atomic<int> done{0};
  CHECK_THROWS_WITH(pool.run(50,
                             [&](std::int64_t i) {
                               if (i == 17) throw std::runtime_error("task 17 failed");
                               done.fetch_add(1);
                             }),
                    "task 17 failed");
  CHECK(done.load() == 49);  // the other tasks still ran
  std::atomic<std::int64_t> sum{0};
  for (int job = 0; job < 2000; ++job) pool.run(8, [&](std::int64_t i) { sum.fetch_add(i); });
  CHECK(sum.load() == 2000 * 28);
}
