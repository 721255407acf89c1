// UTF-8 decoding, validation and NFC normalization for the tokenizers.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace lf::utf8 {

/// U+FFFD REPLACEMENT CHARACTER, what invalid input is replaced with.
inline constexpr char32_t kReplacement = 0xFFFD;

/// Result of decoding one code point at some offset.
/// `length` is the number of bytes consumed (always >= 1 for non-empty
/// input). When `valid` is false, `length` is the length of the maximal
/// subpart of an ill-formed sequence (Unicode ch. 3, "U+FFFD substitution of
/// maximal subparts"), so replacing each such subpart by one U+FFFD gives
/// the same result as ICU, Python and WHATWG decoders.
struct Decoded {
  char32_t code_point = kReplacement;
  std::size_t length = 0;
  bool valid = false;
  /// Ill-formed only because the input ended early: the bytes seen so far
  /// are a valid prefix, and more bytes could complete the sequence.
  bool incomplete = false;
};

/// Decodes the code point starting at `text[pos]` (pos < text.size()).
/// Rejects overlong forms, surrogates and values above U+10FFFF.
Decoded decode(std::string_view text, std::size_t pos);

/// Number of bytes a sequence starting with `lead` has (1..4), or 0 when
/// `lead` cannot start a sequence (a continuation byte, 0xC0/0xC1, 0xF5+).
std::size_t sequence_length(unsigned char lead);

/// Appends the UTF-8 encoding of `cp` (which must be a scalar value).
void append(std::string& out, char32_t cp);

/// Offset of the first ill-formed byte, or text.size() when all is valid.
std::size_t first_invalid(std::string_view text);
inline bool is_valid(std::string_view text) { return first_invalid(text) == text.size(); }
/// Throws lf::Error naming `where` and the offset of the first ill-formed
/// byte unless `text` is valid UTF-8.
void require_valid(std::string_view text, const char* where);

/// Length of the longest prefix of `bytes` that can be emitted now without
/// splitting a sequence: a trailing incomplete-but-so-far-valid sequence is
/// excluded (more bytes may complete it). Used by the streaming detokenizer.
std::size_t complete_prefix(std::string_view bytes);

/// Copy of `text` with every ill-formed subpart replaced by U+FFFD.
std::string sanitize(std::string_view text);

/// Unicode Normalization Form C (canonical decomposition, canonical
/// ordering, canonical composition), as Hugging Face's "NFC" normalizer.
/// `text` must be valid UTF-8 (ill-formed subparts are replaced by U+FFFD).
/// Tables are generated from Python's unicodedata by
/// tools/reference/make_unicode_tables.py.
std::string nfc(std::string_view text);

namespace detail {
// Unicode data lookups behind nfc() (generated: src/formats/utf8_nfc_tables.cpp).
int combining_class(char32_t cp);                          // 0 for starters
std::span<const char32_t> canonical_decomposition(char32_t cp);  // empty if none; Hangul excluded
char32_t primary_composite(char32_t first, char32_t second);     // 0 if none; Hangul excluded
}  // namespace detail

}  // namespace lf::utf8
