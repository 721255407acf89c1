// The split of a product's output items into tasks (src/ops/row_split.hpp):
// every item in exactly one task, task edges on the granule, no task under
// the minimum, and the guided sizes shrinking towards the end.
#include <catch2/catch.hpp>

#include "ops/row_split.hpp"

using namespace lf;

TEST_CASE("split_rows covers every item once, on the granule, shrinking when guided", "[ops][split]") {
  ThreadPool pool(4);
  for (int threads : {1, 2, 3, 4})
    for (std::int64_t n : {1, 7, 16, 48, 144, 191, 1000, 3142, 50257})
      for (std::int64_t granule : {1, 2, 16})
        for (std::int64_t min_items : {1, 32}) {
          const detail::RowSplit s = detail::split_rows(&pool, threads, std::int64_t{1} << 20, n, granule, min_items);
          INFO("threads " << threads << " n " << n << " granule " << granule << " min " << min_items << ": "
                          << s.tasks << " tasks, " << (s.levels ? "guided" : "equal"));
          REQUIRE(s.tasks >= 1);
          CHECK(s.begin(0) == 0);
          CHECK(s.begin(s.tasks) == n);
          std::int64_t previous = n;
          for (std::int64_t t = 0; t < s.tasks; ++t) {
            const std::int64_t b = s.begin(t), e = s.begin(t + 1), size = e - b;
            CHECK(size > 0);
            CHECK(b % granule == 0);
            if (t + 1 < s.tasks) CHECK(size >= std::min(n, min_items));
            if (s.levels && t + 1 < s.tasks) CHECK(size <= previous + granule);  // rounding moves an edge by < 1 granule
            previous = size;
          }
          if (threads == 1) CHECK(s.tasks == 1);
          // Guided where the smallest share holds the minimum: the last task
          // is then about 1/15 of a thread's share.
          if (threads > 1 && (n + granule - 1) / granule >= 15 * threads * ((std::max(min_items, granule) + granule - 1) / granule)) {
            CHECK(s.levels == 4);
            CHECK(s.tasks == 4 * threads);
          }
        }
}

TEST_CASE("split_rows keeps small products on the calling thread", "[ops][split]") {
  ThreadPool pool(2);
  const detail::RowSplit s = detail::split_rows(&pool, 2, 1000, 1000, 1, 1);
  CHECK(s.threads == 1);
  CHECK(s.tasks == 1);
  CHECK(s.begin(1) == 1000);
}
