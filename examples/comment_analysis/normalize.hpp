// Normalisation for the rule layer, clustering, spam and hot words: one
// spelling per meaning, so the lexicons need one entry per cue.
#pragma once

#include <string>
#include <string_view>

namespace comments {

/// Full-width ASCII -> half-width, ASCII lower case, traditional ->
/// simplified for common characters (a small table), Chinese punctuation ->
/// ASCII ("？" -> "?", quotes -> '"'), variation selectors dropped, runs of
/// the same punctuation, emoji or space -> one, a letter or CJK character
/// repeated more than twice -> twice ("哈哈哈哈" -> "哈哈"); digits are never
/// collapsed (prices, "666"). Emoji are kept: they are sentiment cues.
/// Idempotent: normalize(normalize(s)) == normalize(s).
std::string normalize(std::string_view text);

/// The simplified form of one character (itself if not in the table).
char32_t to_simplified(char32_t cp);

}  // namespace comments
