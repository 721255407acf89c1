// How a product over n output items (weight rows, or packed row groups) is
// cut into tasks for a context's thread pool. Shared by matmul_weights and
// matmul_packed; the split never changes a result, only who computes it.
#pragma once

#include <algorithm>
#include <cstdint>

#include "liveformer/core/thread_pool.hpp"

namespace lf::detail {

struct RowSplit {
  int threads = 1;             ///< threads to run on (1: the calling thread alone)
  std::int64_t tasks = 0;
  std::int64_t n = 0;          ///< items in all
  std::int64_t granule = 1;    ///< every task but the last starts and ends on a multiple
  std::int64_t per_task = 0;   ///< equal split: items per task (the last may have fewer); 0 when guided
  std::int64_t levels = 0;     ///< guided split: task sizes halve this many times (see split_rows)

  /// The first item of task t (begin(tasks) == n); task t owns [begin(t), begin(t + 1)).
  std::int64_t begin(std::int64_t t) const {
    if (per_task > 0) return std::min(n, t * per_task);
    // Per thread, one task at each level l < levels of weight 2^(levels-1-l).
    const std::int64_t level = t / threads, top = std::int64_t{1} << (levels - 1);
    std::int64_t before = 0;  // weight of the tasks before t
    for (std::int64_t l = 0; l < level; ++l) before += threads * (top >> l);
    if (level < levels) before += (t % threads) * (top >> level);
    const std::int64_t total = threads * (2 * top - 1), units = (n + granule - 1) / granule;
    return std::min(n, units * before / total * granule);
  }

  /// Runs task(t) for every task, on the pool when more than one thread.
  template <class Task>
  void run(ThreadPool* pool, const Task& task) const {
    if (threads == 1 || tasks == 1) {
      for (std::int64_t t = 0; t < tasks; ++t) task(t);
    } else {
      pool->run(tasks, [&task](std::int64_t t) { task(t); }, threads);
    }
  }
};

/// Products under 2^17 multiply-adds stay on the calling thread (waking
/// threads costs a few microseconds). Otherwise the tasks are taken
/// dynamically, so a thread the OS pauses on a shared machine leaves its
/// later tasks to the others, and they shrink as they go ("guided"): per
/// thread one task of each of the sizes 8 : 4 : 2 : 1. A thread that takes
/// the last task waits for the other's last one at most, and that is
/// 1/15 of its share instead of the 1/4 of four equal tasks (a decode
/// step's products take a few microseconds each, and that wait showed as
/// the second core idling). Each task is a multiple of `granule` items and
/// at least `min_items`; where the smallest guided task would be smaller,
/// four equal tasks per thread.
inline RowSplit split_rows(ThreadPool* pool, int threads, std::int64_t macs, std::int64_t n, std::int64_t granule,
                           std::int64_t min_items) {
  constexpr std::int64_t kMinParallelMacs = 1 << 17, kTasksPerThread = 4, kLevels = 4;
  RowSplit s;
  s.n = n;
  s.granule = granule;
  if (pool && macs >= kMinParallelMacs) s.threads = std::max(1, std::min(threads < 1 ? pool->size() : threads, pool->size()));
  const std::int64_t units = (n + granule - 1) / granule, min_units = (std::max(min_items, granule) + granule - 1) / granule;
  // The smallest guided task: units / (15 threads), rounded down.
  if (s.threads > 1 && units / (((std::int64_t{1} << kLevels) - 1) * s.threads) >= min_units) {
    s.levels = kLevels;
    s.tasks = s.threads * kLevels;
    return s;
  }
  const std::int64_t parts = s.threads * kTasksPerThread;
  const std::int64_t wanted = s.threads == 1 ? n : std::max(min_items, (n + parts - 1) / parts);
  s.per_task = std::max(granule, (wanted + granule - 1) / granule * granule);
  s.tasks = (n + s.per_task - 1) / s.per_task;
  return s;
}

}  // namespace lf::detail
