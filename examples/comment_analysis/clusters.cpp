#include "comment_analysis/clusters.hpp"

#include <algorithm>

#include "comment_analysis/lexicon.hpp"
#include "common/utf8.hpp"

namespace comments {

std::string fold_key(std::string_view norm) {
  std::u32string kept;
  for (char32_t cp : app::utf8::decode(norm))
    if (!app::utf8::is_punctuation_or_symbol(cp)) kept += cp;
  std::string key = app::utf8::encode(kept);
  // Fillers, longest first so 姐妹们 goes whole; a key made only of
  // fillers (主播好 -> 好 is fine, but 主播 alone) keeps its text.
  std::vector<std::string_view> fillers(filler_words().begin(), filler_words().end());
  std::stable_sort(fillers.begin(), fillers.end(), [](std::string_view a, std::string_view b) { return a.size() > b.size(); });
  std::string stripped = key;
  for (std::string_view f : fillers)
    for (std::size_t at = stripped.find(f); at != std::string::npos; at = stripped.find(f, at)) stripped.erase(at, f.size());
  return stripped.empty() ? key : stripped;
}

std::string Cluster::text() const {
  std::string best;
  std::size_t n = 0;
  for (const auto& [t, c] : variants)
    if (c > n) best = t, n = c;
  return best;
}

int Cluster::intent() const {
  return static_cast<int>(std::max_element(intents.begin(), intents.end()) - intents.begin());
}

std::size_t ClusterTable::assign(std::string_view norm) {
  std::string key = fold_key(norm);
  if (key.empty()) key = std::string(norm);
  const auto [it, fresh] = ids_.try_emplace(key, clusters_.size() + 1);
  if (fresh) {
    Cluster c;
    c.id = it->second;
    c.key = key;
    clusters_.push_back(std::move(c));
  }
  return it->second;
}

void ClusterTable::add(std::size_t id, const std::string& clean, const std::string* user, double t, bool question,
                       int intent, bool spam) {
  Cluster& c = clusters_.at(id - 1);
  if (spam) {
    ++c.spam;
    return;
  }
  if (c.count == 0) c.first_t = t;
  ++c.count;
  if (user) c.users.insert(*user);
  else ++c.anonymous;
  if (question) ++c.questions;
  // Variants are bounded: a hot cluster in a long stream keeps its first 50 spellings.
  if (c.variants.size() < 50 || c.variants.count(clean)) ++c.variants[clean];
  if (intent >= 0 && intent < 7) ++c.intents[static_cast<std::size_t>(intent)];
}

void ClusterTable::reset_counts() {
  for (Cluster& c : clusters_) {
    Cluster fresh;
    fresh.id = c.id;
    fresh.key = std::move(c.key);
    c = std::move(fresh);
  }
}

std::vector<const Cluster*> ClusterTable::top(std::size_t min_count, std::size_t limit) const {
  std::vector<const Cluster*> out;
  for (const Cluster& c : clusters_)
    if (c.count >= min_count) out.push_back(&c);
  std::stable_sort(out.begin(), out.end(), [](const Cluster* a, const Cluster* b) {
    if (a->count != b->count) return a->count > b->count;
    return a->user_count() > b->user_count();
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace comments
