// Near-duplicate folding across users: 多少钱 / 多少钱？？？ / 多少钱啊主播 /
// 主播这个多少钱 are one question. The key drops punctuation, spaces, emoji,
// particles and addressing (主播, 宝宝, 姐妹, 请问, 这个 ...); comments with
// the same key form one cluster, reported as one question asked N times by
// M users.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace comments {

/// The folding key of a normalize()d comment ("" if nothing is left).
std::string fold_key(std::string_view norm);

struct Cluster {
  std::size_t id = 0;  ///< 1-based, in order of first appearance
  std::string key;
  std::size_t count = 0;          ///< comments (spam excluded)
  std::set<std::string> users;    ///< distinct users ("" for anonymous comments counts once each)
  std::size_t anonymous = 0;      ///< comments without a user
  std::size_t questions = 0;      ///< how many of them read as questions
  double first_t = 0;
  std::map<std::string, std::size_t> variants;  ///< cleaned text -> count
  std::array<std::size_t, 7> intents{};
  std::size_t spam = 0;           ///< spam comments with this key (not in count)

  std::size_t user_count() const { return users.size() + anonymous; }
  /// The most frequent cleaned text (the first on ties).
  std::string text() const;
  /// The majority intent index.
  int intent() const;
};

/// Assigns cluster ids and keeps each cluster's counts.
class ClusterTable {
 public:
  /// The id of `norm`'s cluster (a new one for a new key; a comment with an
  /// empty key gets its own key, its normalised text).
  std::size_t assign(std::string_view norm);
  /// Counts one comment into cluster `id`.
  void add(std::size_t id, const std::string& clean, const std::string* user, double t, bool question, int intent,
           bool spam);
  /// Forgets the counts, keeps the ids (for a recount).
  void reset_counts();
  const Cluster& get(std::size_t id) const { return clusters_.at(id - 1); }
  const std::vector<Cluster>& all() const { return clusters_; }

  /// Clusters asked at least `min_count` times, most asked first (then
  /// most users, then first seen).
  std::vector<const Cluster*> top(std::size_t min_count, std::size_t limit) const;

 private:
  std::map<std::string, std::size_t> ids_;
  std::vector<Cluster> clusters_;
};

}  // namespace comments
