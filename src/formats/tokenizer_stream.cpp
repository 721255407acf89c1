// Streaming detokenization that only ever emits whole UTF-8 sequences.
#include "liveformer/formats/tokenizer_stream.hpp"

#include "liveformer/formats/utf8.hpp"

namespace lf {

StreamingDetokenizer::StreamingDetokenizer(const Tokenizer& tokenizer, bool skip_special)
    : tokenizer_(&tokenizer), skip_special_(skip_special) {}

std::string StreamingDetokenizer::push(std::int32_t id) {
  // Same rules as Tokenizer::decode(): control tokens, and SentencePiece's
  // leading space at the start and after a control token.
  std::string piece = tokenizer_->token_to_piece(id);
  if (tokenizer_->vocabulary().type(id) == TokenType::control) {
    at_start_ = true;
    if (skip_special_) return {};
  } else {
    if (at_start_ && tokenizer_->adds_space_prefix() && !piece.empty() && piece[0] == ' ') piece.erase(0, 1);
    at_start_ = false;
  }
  pending_ += piece;
  const std::size_t ready = utf8::complete_prefix(pending_);
  std::string out = utf8::sanitize(std::string_view(pending_).substr(0, ready));
  pending_.erase(0, ready);
  return out;
}

std::string StreamingDetokenizer::finish() {
  std::string out = utf8::sanitize(pending_);
  pending_.clear();
  at_start_ = true;
  return out;
}

}  // namespace lf
