// Scheduler: continuous batching. Many requests share one model; each
// decode step runs one forward pass over every active sequence, a new
// request joins between steps, and a sequence leaves when it ends.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "liveformer/model/forward.hpp"
#include "liveformer/model/model.hpp"
#include "liveformer/runtime/generator.hpp"
#include "liveformer/runtime/prefix_cache.hpp"

namespace lf {

struct SchedulerOptions {
  int slots = 4;                      ///< sequences decoded together
  std::int64_t context_length = 0;    ///< per slot; 0: the model's trained context, at most 4096
  ThreadCounts threads{0, 0};         ///< the forward pass's threads (0: one per core)
  DType kv_type = DType::f32;
  /// Bytes of evaluated prompts kept for later requests (LRU); 0: none.
  std::int64_t prefix_cache_bytes = 256ll << 20;
  std::size_t max_queue = 64;         ///< requests waiting for a slot (beyond the free ones); more are refused (busy)
  /// Prompt tokens evaluated per step over all slots: a long prompt is
  /// taken in chunks so that running sequences keep decoding meanwhile.
  std::int64_t prefill_chunk = 256;
};

struct SchedulerRequest {
  std::vector<std::int32_t> prompt;   ///< at least one token
  /// Generation options. on_text is called on the scheduler's thread (keep
  /// it short); returning false cancels the request.
  GenerateOptions options;
  /// Called exactly once on the scheduler's thread when the request ends
  /// (possibly before submit() has returned): its id, its result, and an
  /// error message when it failed (empty otherwise). A cancelled request
  /// ends with StopReason::cancelled.
  std::function<void(std::uint64_t id, GenerateResult result, const std::string& error)> on_done;
  /// Past this instant the request is cancelled (default: never).
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

struct SchedulerStats {
  int slots = 0;
  int active = 0;                     ///< requests in a slot
  std::size_t queued = 0;             ///< waiting for a slot
  std::int64_t kv_bytes_allocated = 0;  ///< every slot's cache, allocated up front
  std::int64_t kv_bytes_in_use = 0;     ///< positions filled in active slots
  std::int64_t prefix_cache_bytes = 0;
  std::uint64_t prefix_hits = 0, prefix_misses = 0;  ///< requests that did / did not reuse evaluated tokens
  std::uint64_t reused_tokens = 0;
  std::uint64_t prefill_tokens = 0, decode_tokens = 0;  ///< evaluated by forward passes
  double prefill_seconds = 0, decode_seconds = 0;      ///< in steps that were only prefill / only decode, or shared by rows
  std::uint64_t steps = 0, completed = 0, cancelled = 0, failed = 0, rejected = 0;
};

/// Owns a thread that runs the steps. Thread-safe: submit(), cancel() and
/// stats() may be called from any thread, including from the callbacks;
/// drain() from any thread but the callbacks (it waits for them). Greedy output (and seeded sampling) of a request does not
/// depend on what else runs beside it: rows of a batch are computed
/// independently.
class Scheduler {
 public:
  Scheduler(std::shared_ptr<const Model> model, SchedulerOptions options);
  ~Scheduler();  ///< cancels what is left and joins the thread
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  /// Queues a request and returns its id. Throws lf::Error: kind busy when
  /// the queue is full or the scheduler is draining, context_full when the
  /// prompt does not fit a slot, invalid for an empty prompt, a token
  /// outside the vocabulary or a bad sampling parameter.
  std::uint64_t submit(SchedulerRequest request);
  /// Ends the request (queued or running) with StopReason::cancelled;
  /// unknown or finished ids are ignored.
  void cancel(std::uint64_t id);
  /// Stops accepting requests, lets running and queued ones finish for up
  /// to `grace`, cancels the rest, and returns when none is left.
  void drain(std::chrono::milliseconds grace);

  SchedulerStats stats() const;
  const Model& model() const { return *model_; }
  std::int64_t context_length() const { return context_length_; }

 private:
  struct Job;
  struct Slot;
  void run();
  void admit(std::unique_lock<std::mutex>& lock);
  void step();
  void finish(Slot& slot, const std::string& error);

  std::shared_ptr<const Model> model_;
  SchedulerOptions options_;
  std::int64_t context_length_ = 0;
  Workspace workspace_;
  PrefixCache prefix_cache_;
  std::vector<std::unique_ptr<Slot>> slots_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<std::unique_ptr<Job>> queue_;
  std::vector<std::uint64_t> cancel_requests_;
  std::uint64_t next_id_ = 1;
  bool accepting_ = true;
  bool stopping_ = false;
  SchedulerStats stats_;
  std::thread thread_;
};

}  // namespace lf
