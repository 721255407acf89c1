// A small fixed pool of worker threads for splitting one op across cores.
//
// Decode runs ~10 ops per layer per token, each a few tens of microseconds,
// so the pool is built once per context (never per token) and workers spin
// briefly before sleeping: waking a sleeping thread costs more than many
// small ops.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace lf {

class ThreadPool {
 public:
  /// A pool that runs work on `n_threads` threads in all: the caller of
  /// run() plus n_threads - 1 workers. n_threads < 1 means one per
  /// hardware thread; more than kMaxThreads is an lf::Error (every frontend's
  /// thread count ends here: 2^31 - 1 would try to start that many threads).
  explicit ThreadPool(int n_threads = 1);
  static constexpr int kMaxThreads = 1024;
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  /// Threads run() may use, the caller included.
  int size() const { return static_cast<int>(workers_.size()) + 1; }

  /// Calls task(i) for i in [0, n_tasks) on up to `max_threads` threads
  /// (the caller included; < 1 means size()) and returns when all are done.
  /// The first exception a task throws is rethrown here after the others
  /// finish. One run() at a time per pool: a pool belongs to one context.
  void run(std::int64_t n_tasks, const std::function<void(std::int64_t)>& task, int max_threads = 0);

  /// The hardware thread count (at least 1).
  static int hardware_threads();

 private:
  void worker(int index);
  void work_on_current_job();

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;

  // The current job. generation_ changes when a new job is published;
  // a worker joins a job only if its index < active_workers_.
  std::atomic<std::uint64_t> generation_{0};
  const std::function<void(std::int64_t)>* task_ = nullptr;
  std::int64_t n_tasks_ = 0;
  int active_workers_ = 0;
  std::atomic<std::int64_t> next_task_{0};
  std::atomic<int> busy_workers_{0};
  std::exception_ptr error_;
  std::mutex error_mutex_;
};

}  // namespace lf
