// lf::AddedTokenMatcher: finds added/special tokens verbatim in raw text.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "liveformer/formats/vocabulary.hpp"

namespace lf {

/// Splits text into plain fragments and added tokens (types control and
/// user_defined), before any normalization or pre-tokenization, as Hugging
/// Face tokenizers and llama.cpp do. At each position the longest token
/// that matches wins; scanning is left to right. Time is linear in the
/// text whatever the tokens (an Aho-Corasick automaton over the reversed
/// tokens gives the longest token starting at every position in one pass
/// from the end; trying each candidate at each position, as before, was
/// quadratic on 60k tokens starting with '<' and a prompt of '<'). The lstrip/rstrip/
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

  bool empty() const { return entries_.empty(); }

 private:
  struct Entry {
    std::string_view text;  // points into the Vocabulary's token strings
    std::int32_t id;
    bool control;
  };
  // An Aho-Corasick automaton over the reversed texts of some entries.
  class Automaton {
   public:
    void add(std::string_view text, std::int32_t entry);
    void build();
    bool empty() const { return nodes_.size() <= 1; }
    /// longest[p] = the entry of the longest token starting at text[p], or -1.
    void longest_at(std::string_view text, std::vector<std::int32_t>& longest) const;

   private:
    struct Node {
      std::vector<std::pair<unsigned char, std::int32_t>> next;
      std::int32_t fail = 0;
      std::int32_t entry = -1;   // the token ending here
      std::int32_t output = -1;  // the longest token among this node's suffixes
    };
    std::int32_t child(std::int32_t node, unsigned char b) const;
    std::int32_t step(std::int32_t node, unsigned char b) const;
    std::vector<Node> nodes_{Node{}};
    std::int32_t root_next_[256];  // dense transitions at the root
  };
  std::vector<Entry> entries_;
  Automaton all_;           // control and user-defined tokens
  Automaton user_defined_;  // what matches when control tokens are not parsed
};

}  // namespace lf
