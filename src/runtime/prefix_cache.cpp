#include "liveformer/runtime/prefix_cache.hpp"

#include <algorithm>

namespace lf {

std::int64_t common_prefix_length(std::span<const std::int32_t> a, std::span<const std::int32_t> b, std::int64_t max_len) {
  const auto limit = std::min<std::int64_t>({static_cast<std::int64_t>(a.size()), static_cast<std::int64_t>(b.size()), max_len});
  std::int64_t k = 0;
  while (k < limit && a[static_cast<std::size_t>(k)] == b[static_cast<std::size_t>(k)]) ++k;
  return k;
}

PrefixCache::PrefixCache(const ModelConfig& config, DType kv_type, std::int64_t budget_bytes)
    : config_(config), kv_type_(kv_type), budget_(std::max<std::int64_t>(budget_bytes, 0)) {}

std::int64_t PrefixCache::match(std::span<const std::int32_t> tokens, std::int64_t max_len) const {
  std::int64_t best = 0;
  for (const Entry& e : entries_) best = std::max(best, common_prefix_length(e.tokens, tokens, max_len));
  return best;
}

std::int64_t PrefixCache::restore(std::span<const std::int32_t> tokens, std::int64_t max_len, KvCache& target,
                                  std::int64_t at_least) {
  auto best = entries_.end();
  std::int64_t best_len = at_least;
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    const std::int64_t k = common_prefix_length(it->tokens, tokens, std::min(max_len, target.capacity()));
    if (k > best_len) best_len = k, best = it;
  }
  if (best == entries_.end()) return 0;
  target.copy_prefix(best->kv, best_len);
  entries_.splice(entries_.begin(), entries_, best);  // most recently used
  return best_len;
}

void PrefixCache::insert(std::span<const std::int32_t> tokens, const KvCache& source) {
  const auto n = static_cast<std::int64_t>(tokens.size());
  if (n == 0 || budget_ == 0 || source.size() < n) return;
  const std::int64_t need = KvCache::bytes_for(config_, n, kv_type_);
  if (need < 0 || need > budget_) return;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (common_prefix_length(it->tokens, tokens, n) == n) {  // an entry already holds all of it
      entries_.splice(entries_.begin(), entries_, it);
      return;
    }
    if (static_cast<std::int64_t>(it->tokens.size()) < n &&
        common_prefix_length(it->tokens, tokens, n) == static_cast<std::int64_t>(it->tokens.size())) {
      bytes_ -= it->bytes;  // a prefix of the new entry: the new one serves it
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
  while (bytes_ + need > budget_ && !entries_.empty()) {
    bytes_ -= entries_.back().bytes;
    entries_.pop_back();
  }
  Entry e{std::vector<std::int32_t>(tokens.begin(), tokens.end()), KvCache(config_, n, kv_type_), need};
  e.kv.copy_prefix(source, n);
  entries_.push_front(std::move(e));
  bytes_ += need;
}

}  // namespace lf
