#include "sentencepiece_piece.hpp"

#include <cstdio>

#include "liveformer/core/error.hpp"

namespace lf::detail {

std::string sentencepiece_piece(const Vocabulary& vocab, std::int32_t id, const char* where) {
  const std::string& text = vocab.tokens[static_cast<std::size_t>(id)];
  const TokenType type = vocab.type(id);
  if (type == TokenType::byte) {
    unsigned value = 0;
    LF_CHECK(std::sscanf(text.c_str(), "<0x%2X>", &value) == 1, where, "byte token '" + text + "' is not <0xNN>");
    return std::string(1, static_cast<char>(value));
  }
  if (type == TokenType::control) return text;
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    if (text.compare(pos, kSpaceMark.size(), kSpaceMark) == 0) {
      out += ' ';
      pos += kSpaceMark.size();
    } else {
      out += text[pos++];
    }
  }
  return out;
}

}  // namespace lf::detail
