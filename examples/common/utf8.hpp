// UTF-8 helpers for the apps: decoding, trimming, and collapsing the
// repeated characters live-stream comments are full of ("哈哈哈哈哈").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace app::utf8 {

/// True if `s` is well-formed UTF-8 (no overlongs, surrogates or values
/// above U+10FFFF).
bool valid(std::string_view s);

/// Code points of `s`; each malformed byte becomes U+FFFD.
std::u32string decode(std::string_view s);
/// Appends the UTF-8 encoding of `cp` to `out`.
void append(std::string& out, char32_t cp);
std::string encode(std::u32string_view cps);

/// Unicode white space (ASCII, NBSP, U+2000..U+200B, U+3000 ideographic space, ...).
bool is_space(char32_t cp);
/// Characters that are neither letters nor digits for grouping purposes:
/// ASCII and CJK punctuation, symbols, emoji, variation selectors, spaces.
bool is_punctuation_or_symbol(char32_t cp);

/// `s` without leading and trailing white space.
std::string trim(std::string_view s);
/// Runs of white space inside `s` replaced by one ASCII space, ends trimmed.
std::string squeeze_spaces(std::string_view s);

/// Collapses a unit of 1 to 4 characters repeated more than `max_run`
/// times in a row to `max_run` repetitions: "哈哈哈哈哈" -> "哈哈哈",
/// "hahahaha" -> "hahaha", "😂😂😂😂" -> "😂😂😂" (with max_run 3). An emoji and
/// the variation selector / modifiers that follow it count as one
/// character. Digits inside a number ("10000mAh") are left alone.
std::string collapse_repeats(std::string_view s, std::size_t max_run);

/// Number of code points.
std::size_t length(std::string_view s);
/// The first `max_chars` code points of `s`.
std::string truncate(std::string_view s, std::size_t max_chars);

/// Number of user-perceived characters: a base plus the marks, variation
/// selectors, skin tones and ZWJ partners attached to it count as one.
std::size_t character_count(std::string_view s);
/// The first `max_chars` user-perceived characters of `s`: for text shown
/// to people, where a cut between "❤" and its emoji selector, or inside a
/// family emoji, would change what is drawn.
std::string truncate_characters(std::string_view s, std::size_t max_chars);

}  // namespace app::utf8
