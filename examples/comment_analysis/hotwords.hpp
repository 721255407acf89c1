// Hot words and phrases without a dictionary: character n-grams (2 to 6
// characters) counted once per comment, and a gram dropped when a longer
// gram that contains it is nearly as frequent (it is then only a piece of
// that phrase: 绝绝 inside 绝绝子).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace comments {

struct HotWord {
  std::string text;
  std::size_t count = 0;  ///< comments containing it
};

/// The hot phrases of normalize()d comment texts: grams in at least
/// `min_count` comments, sub-grams explained by a longer gram (that gram's
/// count >= `explained` x their own) removed, most frequent first (longer
/// first on ties), at most `top`.
std::vector<HotWord> hot_words(const std::vector<std::string>& texts, std::size_t top = 10, std::size_t min_count = 2,
                               double explained = 0.8);

}  // namespace comments
