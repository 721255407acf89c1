// Vocabulary: consistency checks and the pre-tokenizer patterns.
#include "liveformer/formats/vocabulary.hpp"

#include <unordered_set>

#include "liveformer/core/error.hpp"

namespace lf {

namespace pretokenizer_patterns {
const char* const gpt2 = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
const char* const qwen2 =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const char* const llama3 =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
}  // namespace pretokenizer_patterns

void Vocabulary::validate(const std::string& source) const {
  const std::string where = source;
  const std::size_t n = tokens.size();
  LF_CHECK(n > 0, where.c_str(), "vocabulary is empty");
  LF_CHECK(scores.empty() || scores.size() == n, where.c_str(),
        "vocabulary has " + std::to_string(scores.size()) + " scores for " + std::to_string(n) + " tokens");
  LF_CHECK(types.empty() || types.size() == n, where.c_str(),
        "vocabulary has " + std::to_string(types.size()) + " token types for " + std::to_string(n) + " tokens");
  const auto check_id = [&](std::int32_t id, const char* name) {
    LF_CHECK(id >= -1 && id < static_cast<std::int64_t>(n), where.c_str(),
          std::string(name) + " id " + std::to_string(id) + " out of range [0, " + std::to_string(n) + ")");
  };
  check_id(bos_id, "bos");
  check_id(eos_id, "eos");
  check_id(unk_id, "unk");
  check_id(pad_id, "pad");
  std::unordered_set<std::string_view> seen;
  seen.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    // Gaps (unused ids) may share the empty text.
    if (tokens[i].empty() && type(static_cast<std::int32_t>(i)) == TokenType::unused) continue;
    LF_CHECK(seen.insert(tokens[i]).second, where.c_str(),
          "token text '" + tokens[i] + "' appears twice (second time at id " + std::to_string(i) + ")");
  }
}

}  // namespace lf
