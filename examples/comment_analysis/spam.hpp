// Spam and ads in the comment stream: links, contact ids (加v, vx, 薇, wx +
// id, QQ numbers, long digit strings), money-making offers, and the same
// long text posted by several users (a bot or a paid crew). Spam is kept
// out of the intent statistics and counted on its own.
#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>

namespace comments {

/// Why a single normalize()d comment is an ad ("url", "contact", "ad
/// phrase"), or "" if it does not look like one.
std::string ad_reason(std::string_view norm);

/// A weak ad signal (a 5+ digit number, an id of letters and digits, 主页,
/// 头像, 私, 赚, 代购 ...): not spam alone, but a text with it that many
/// users post is an ad campaign rather than viewers asking the same thing.
bool ad_hint(std::string_view norm);

/// Counts the distinct users of each long text: a text of at least
/// `min_chars` characters (after folding) posted by `min_users` or more
/// users is spam ("repeated by N users"), short ones (多少钱, 扣1) never.
class RepeatTracker {
 public:
  RepeatTracker(std::size_t min_users = 3, std::size_t min_chars = 10) : min_users_(min_users), min_chars_(min_chars) {}

  /// Records `user` posting `key`; returns the number of distinct users so
  /// far if the text is long enough to count, else 0.
  std::size_t add(const std::string& key, const std::string& user);
  /// True if `key` has reached min_users distinct users.
  bool is_spam(const std::string& key) const;
  std::size_t min_users() const { return min_users_; }

 private:
  std::size_t min_users_, min_chars_;
  std::map<std::string, std::set<std::string>> users_;
};

}  // namespace comments
