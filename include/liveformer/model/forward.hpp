// The forward pass: tokens in, logits out, K/V appended to caches.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "liveformer/core/tensor.hpp"
#include "liveformer/core/thread_pool.hpp"
#include "liveformer/model/kv_cache.hpp"
#include "liveformer/model/model.hpp"

namespace lf {

/// Threads one context computes with. Decode (a step of a few tokens) is
/// memory-bound and prefill (many tokens) compute-bound, so they may want
/// different counts. 0 means one per hardware thread.
struct ThreadCounts {
  int decode = 1;
  int prefill = 1;
};

/// Per-context compute resources: activation buffers reused across forward
/// calls (they grow to the largest batch seen and are not reallocated after
/// that: no allocation per token) and the context's thread pool (made once,
/// never per token). Used by one thread at a time.
class Workspace {
 public:
  explicit Workspace(ThreadCounts threads = {});

  /// An f32 buffer named `slot` with at least `shape`'s elements, viewed as
  /// `shape`. Valid until the next call with the same slot.
  Tensor get(int slot, const Shape& shape);

  /// The pool (null when single-threaded) and how many of its threads a
  /// step over `rows` tokens uses.
  ThreadPool* pool() const { return pool_.get(); }
  int threads_for(std::int64_t rows) const;
  ThreadCounts threads() const { return threads_; }

  /// Steps of at most this many rows count as decode.
  static constexpr std::int64_t kDecodeRows = 8;

 private:
  ThreadCounts threads_;
  std::unique_ptr<ThreadPool> pool_;
  std::vector<Tensor> buffers_;
};

/// One sequence's share of a batch: `tokens` are appended to `cache` at
/// positions cache->size(), cache->size() + 1, ...
struct SequenceInput {
  KvCache* cache = nullptr;
  std::span<const std::int32_t> tokens;
  /// Return logits for every token of this sequence (scoring, tests) or
  /// only for its last one (generation).
  bool all_logits = false;
};

/// What forward() returns for each selected row.
enum class ForwardOutput {
  logits,  ///< [rows, vocab]
  hidden,  ///< [rows, n_embd]: final hidden states after the output norm (embeddings)
};

/// Runs the model over every sequence's tokens at once: the projections and
/// feed-forward see all tokens of all sequences as one matrix; attention
/// runs per sequence against its own cache. Returns logits [rows, vocab]
/// where rows lists, sequence by sequence, either all tokens or the last
/// one. Throws lf::Error (and changes no cache) if a sequence would exceed
/// its cache's capacity or a token id is outside the vocabulary.
/// The result is a view into `workspace`, valid until its next use.
Tensor forward(const Model& model, std::span<const SequenceInput> batch, Workspace& workspace,
               ForwardOutput output = ForwardOutput::logits);

/// One sequence: logits for the last token (or all tokens).
Tensor forward(const Model& model, KvCache& cache, std::span<const std::int32_t> tokens, Workspace& workspace,
               bool all_logits = false);

}  // namespace lf
