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
  std::int64_t per_task = 0;   ///< items per task (the last task may have fewer)
  std::int64_t tasks = 0;

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
/// threads costs a few microseconds). Otherwise four tasks per thread, taken
/// dynamically, so a thread the OS pauses on a shared machine leaves its
/// later tasks to the others; each task is a multiple of `granule` items
/// and at least `min_items`.
inline RowSplit split_rows(ThreadPool* pool, int threads, std::int64_t macs, std::int64_t n, std::int64_t granule,
                           std::int64_t min_items) {
  constexpr std::int64_t kMinParallelMacs = 1 << 17, kTasksPerThread = 4;
  RowSplit s;
  if (pool && macs >= kMinParallelMacs) s.threads = std::max(1, std::min(threads < 1 ? pool->size() : threads, pool->size()));
  const std::int64_t parts = s.threads * kTasksPerThread;
  const std::int64_t wanted = s.threads == 1 ? n : std::max(min_items, (n + parts - 1) / parts);
  s.per_task = std::max(granule, (wanted + granule - 1) / granule * granule);
  s.tasks = (n + s.per_task - 1) / s.per_task;
  return s;
}

}  // namespace lf::detail
