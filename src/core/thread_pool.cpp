#include "liveformer/core/thread_pool.hpp"

#include "liveformer/core/error.hpp"

#include <algorithm>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define LF_CPU_RELAX() _mm_pause()
#else
#define LF_CPU_RELAX() std::this_thread::yield()
#endif

namespace lf {
namespace {

// About 50-100 microseconds of pause instructions: long enough to catch
// the next op of a decode step, short enough not to burn a core between
// tokens.
constexpr int kSpinIterations = 1 << 11;

}  // namespace

int ThreadPool::hardware_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

ThreadPool::ThreadPool(int n_threads) {
  LF_CHECK(n_threads <= kMaxThreads, "ThreadPool",
           "thread count " + std::to_string(n_threads) + " is over the limit of " + std::to_string(kMaxThreads));
  if (n_threads < 1) n_threads = hardware_threads();
  workers_.reserve(static_cast<std::size_t>(n_threads - 1));
  for (int i = 0; i < n_threads - 1; ++i) workers_.emplace_back([this, i] { worker(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void ThreadPool::work_on_current_job() {
  for (;;) {
    const std::int64_t i = next_task_.fetch_add(1, std::memory_order_relaxed);
    if (i >= n_tasks_) return;
    try {
      (*task_)(i);
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex_);
      if (!error_) error_ = std::current_exception();
    }
  }
}

void ThreadPool::worker(int index) {
  std::uint64_t seen = 0;
  for (;;) {
    for (int i = 0; i < kSpinIterations && generation_.load(std::memory_order_acquire) == seen; ++i) LF_CPU_RELAX();
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait(lock, [&] { return stopping_ || generation_.load(std::memory_order_relaxed) != seen; });
    if (stopping_) return;
    seen = generation_.load(std::memory_order_relaxed);
    // The job's fields are read under the mutex they were written under.
    // A worker counted in busy_workers_ is waited for, so its job cannot
    // change until it has finished.
    if (index >= active_workers_) continue;
    lock.unlock();
    work_on_current_job();
    busy_workers_.fetch_sub(1, std::memory_order_acq_rel);
  }
}

void ThreadPool::run(std::int64_t n_tasks, const std::function<void(std::int64_t)>& task, int max_threads) {
  if (n_tasks <= 0) return;
  if (max_threads < 1 || max_threads > size()) max_threads = size();
  const int helpers = static_cast<int>(std::min<std::int64_t>(max_threads - 1, n_tasks - 1));
  if (helpers == 0) {
    for (std::int64_t i = 0; i < n_tasks; ++i) task(i);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    task_ = &task;
    n_tasks_ = n_tasks;
    active_workers_ = helpers;
    error_ = nullptr;
    next_task_.store(0, std::memory_order_relaxed);
    busy_workers_.store(helpers, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  work_on_current_job();
  for (int spins = 0; busy_workers_.load(std::memory_order_acquire) != 0; ++spins) {
    if (spins < kSpinIterations)
      LF_CPU_RELAX();
    else
      std::this_thread::yield();
  }
  if (error_) std::rethrow_exception(error_);
}

}  // namespace lf
