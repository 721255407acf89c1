// lf::StreamingDetokenizer: token-by-token decoding that never splits UTF-8.
#pragma once

#include <cstdint>
#include <string>

#include "liveformer/formats/tokenizer.hpp"

namespace lf {

/// Turns a stream of generated ids into text pieces that are always valid
/// UTF-8. Byte-level BPE and SentencePiece byte fallback can split a
/// character (e.g. "😍" = 4 byte tokens), so bytes are accumulated and only
/// complete sequences are emitted:
///   * a trailing sequence that is valid so far but incomplete is held back
///     until the next push();
///   * bytes that can never become valid (a stray continuation byte, an
///     overlong or surrogate form) are emitted at once as U+FFFD, one per
///     maximal ill-formed subpart, since waiting cannot fix them;
///   * finish() flushes a held-back incomplete tail as one U+FFFD.
/// The concatenation of all outputs equals utf8::sanitize(decode(ids)).
///
/// SentencePiece: the leading space that encode() added is dropped from the
/// first token and after control tokens, as decode() does.
class StreamingDetokenizer {
 public:
  /// `tokenizer` must outlive this object.
  explicit StreamingDetokenizer(const Tokenizer& tokenizer, bool skip_special = false);

  /// Appends one token; returns the text that became complete (maybe empty).
  std::string push(std::int32_t id);
  /// Ends the stream; returns what was held back (as U+FFFD), then resets.
  std::string finish();
  /// Number of bytes currently held back.
  std::size_t pending() const { return pending_.size(); }

 private:
  const Tokenizer* tokenizer_;
  bool skip_special_;
  bool at_start_ = true;  // no text emitted since the start or a control token
  std::string pending_;
};

}  // namespace lf
