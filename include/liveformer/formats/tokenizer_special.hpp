// lf::AddedTokenMatcher: finds added/special tokens verbatim in raw text.
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "liveformer/formats/vocabulary.hpp"

namespace lf {

/// Splits text into plain fragments and added tokens (types control and
/// user_defined), before any normalization or pre-tokenization, as Hugging
/// Face tokenizers and llama.cpp do. At each position the longest token
/// that matches wins; scanning is left to right. The lstrip/rstrip/
/// single_word options of tokenizer.json are not supported (Qwen2, GPT-2 and
/// Llama do not use them).
class AddedTokenMatcher {
 public:
  explicit AddedTokenMatcher(const Vocabulary& vocab);

  struct Fragment {
    std::string_view text;  ///< the plain text, or the token's text
    std::int32_t id = -1;   ///< the added token's id; -1 for plain text
  };

  /// Fragments of `text` in order; plain fragments are never empty. Control
  /// tokens are recognised only when `parse_control`; user-defined ones always.
  std::vector<Fragment> split(std::string_view text, bool parse_control) const;

  /// True when any added token (control or user-defined) occurs anywhere in
  /// `text`, overlapping matches included: the question "could this text
  /// spell a special token?", in time linear in the text.
  bool contains_any(std::string_view text) const;

  bool empty() const { return by_first_byte_.empty(); }

 private:
  struct Entry {
    std::string_view text;  // points into the Vocabulary's token strings
    std::int32_t id;
    bool control;
  };
  // Candidates per first byte, longest first.
  std::unordered_map<unsigned char, std::vector<Entry>> by_first_byte_;
};

}  // namespace lf
