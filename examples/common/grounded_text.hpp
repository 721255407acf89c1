// Turning a model's slot-referencing text into grounded text: split into
// sentences, fill each 【label】 from the product, and keep a sentence only
// when every fact-like span left in it is backed by the product. This is
// the verifier of examples/README.md "Grounding".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/fact_sheet.hpp"

namespace app::grounding {

/// Sentences of `text`, each with its closing punctuation (。！？!?；;~～
/// and line breaks end a sentence); blank pieces are dropped.
std::vector<std::string> split_sentences(std::string_view text);

/// One sentence after slot filling and verification.
struct CheckedSentence {
  std::string text;                 ///< filled text (the original when not ok)
  bool ok = false;                  ///< every slot known and every span backed
  std::vector<std::string> labels;  ///< slot labels it used, in order
  std::string problem;              ///< why it is not ok ("unknown slot 【X】", "unsupported colour 红色")
};

/// Fills the slots of one sentence and verifies it. A bare 【卖点】 takes the
/// next selling point not yet in `used_points` (which it updates). Text
/// that leaks the classifier's labels or chat markup is not ok either.
/// A fill longer than `max_fill_chars` is cut (brief()). `negated` is a
/// value the text may name although the product lacks it: the viewer's
/// own word in a decline ("没有红色哦").
CheckedSentence check_sentence(std::string_view sentence, const FactSheet& facts, std::vector<std::string>& used_points,
                               std::size_t max_fill_chars = 120, std::string_view negated = {});

/// `value` cut to at most `max_chars` characters, at the last clause mark
/// (，、；, space) in its second half when there is one: a 10,000-character
/// field stays a prefix of itself, not a wall of text.
std::string brief(std::string_view value, std::size_t max_chars);

/// The unsupported fact-like spans of already filled text ("colour 红色").
std::vector<std::string> unsupported_spans(std::string_view text, const FactSheet& facts);

/// How many character bigrams of `text` (punctuation and spaces left out)
/// occur neither in the product nor in the built-in host talk; `total`
/// gets the number of bigrams. check_sentence rejects a sentence made
/// mostly of such bigrams (at least 3 and more than half).
std::size_t novel_bigrams(std::string_view text, const FactSheet& facts, std::size_t* total);

/// `s` without trailing sentence marks and spaces (。！？，、；～ ...), so a
/// value can be set into a sentence of its own; brackets stay.
std::string trim_sentence_end(std::string s);

/// Share of the text's character 4-grams (punctuation and spaces left out)
/// that repeat an earlier one (0..1).
double repeated_4gram_share(std::string_view text);

}  // namespace app::grounding
