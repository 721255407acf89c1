// PrefixCache: evaluated prompt prefixes kept across requests, so that many
// requests about the same product (one system prompt, many viewer
// questions) evaluate that prompt once.
#pragma once

#include <cstdint>
#include <list>
#include <span>
#include <vector>

#include "liveformer/model/kv_cache.hpp"

namespace lf {

/// How many leading tokens `a` and `b` share, at most `max_len`.
std::int64_t common_prefix_length(std::span<const std::int32_t> a, std::span<const std::int32_t> b, std::int64_t max_len);

/// Token sequences with the K/V of every one of their positions, bounded by
/// bytes and evicted least-recently-used first. Not thread-safe (the
/// scheduler's thread owns it).
class PrefixCache {
 public:
  /// budget_bytes 0: keeps nothing.
  PrefixCache(const ModelConfig& config, DType kv_type, std::int64_t budget_bytes);

  /// Copies into `target` the longest prefix of `tokens` that an entry
  /// holds, at most `max_len` positions, when it is longer than `at_least`
  /// (what the caller has already), and marks that entry used. Returns the
  /// number of positions copied (0: nothing longer was found; `target` is
  /// then untouched).
  std::int64_t restore(std::span<const std::int32_t> tokens, std::int64_t max_len, KvCache& target,
                       std::int64_t at_least = 0);
  /// The longest prefix of `tokens` an entry holds (at most max_len), without using it.
  std::int64_t match(std::span<const std::int32_t> tokens, std::int64_t max_len) const;

  /// Keeps the first tokens.size() positions of `source` under `tokens`.
  /// Entries that are prefixes of `tokens` are dropped (the new one serves
  /// them); nothing is stored when an entry already starts with `tokens`
  /// or when one entry alone would exceed the budget.
  void insert(std::span<const std::int32_t> tokens, const KvCache& source);

  std::int64_t bytes() const { return bytes_; }
  std::int64_t budget() const { return budget_; }
  std::size_t entries() const { return entries_.size(); }

 private:
  struct Entry {
    std::vector<std::int32_t> tokens;
    KvCache kv;
    std::int64_t bytes = 0;
  };
  // Front: most recently used.
  std::list<Entry> entries_;
  ModelConfig config_;
  DType kv_type_;
  std::int64_t budget_;
  std::int64_t bytes_ = 0;
};

}  // namespace lf
