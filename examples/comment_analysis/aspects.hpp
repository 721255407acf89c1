// Product aspects viewers talk about (size, colour, price, shipping, ...),
// found by keywords in the cleaned comment text.
#pragma once

#include <string>
#include <vector>

namespace comments {

struct Aspect {
  const char* id;          ///< "size"
  const char* label;       ///< "尺码"
  std::vector<const char*> keywords;  ///< lowercase; matched as substrings
  const char* suggestion;  ///< host advice; "{n}" is replaced by the count
};

/// The fixed aspect list, in report order.
const std::vector<Aspect>& aspects();

/// Indexes into aspects() of every aspect `clean_text` mentions (ASCII is
/// compared case-insensitively).
std::vector<std::size_t> mentioned_aspects(const std::string& clean_text);

/// True if the comment reads as a question (？, 吗, 多少, 什么, 几, 怎么, ...).
bool is_question(const std::string& clean_text);

/// The grouping key of a question: letters and digits only, ASCII lowercased
/// ("多少钱？？" and "多少钱" ask the same).
std::string question_key(const std::string& clean_text);

}  // namespace comments
