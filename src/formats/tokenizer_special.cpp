// Verbatim matching of added/special tokens in raw text.
#include <algorithm>

#include "liveformer/formats/tokenizer.hpp"
#include "liveformer/formats/tokenizer_special.hpp"

namespace lf {

AddedTokenMatcher::AddedTokenMatcher(const Vocabulary& vocab) {
  for (std::size_t i = 0; i < vocab.size(); ++i) {
    const auto id = static_cast<std::int32_t>(i);
    const TokenType t = vocab.type(id);
    if ((t != TokenType::control && t != TokenType::user_defined) || vocab.tokens[i].empty()) continue;
    entries_.push_back({vocab.tokens[i], id, t == TokenType::control});
  }
  for (std::size_t e = 0; e < entries_.size(); ++e) {
    all_.add(entries_[e].text, static_cast<std::int32_t>(e));
    if (!entries_[e].control) user_defined_.add(entries_[e].text, static_cast<std::int32_t>(e));
  }
  all_.build();
  user_defined_.build();
}

void AddedTokenMatcher::Automaton::add(std::string_view text, std::int32_t entry) {
  std::int32_t node = 0;
  for (std::size_t i = text.size(); i-- > 0;) {  // reversed
    const auto b = static_cast<unsigned char>(text[i]);
    std::int32_t next = child(node, b);
    if (next < 0) {
      next = static_cast<std::int32_t>(nodes_.size());
      nodes_[static_cast<std::size_t>(node)].next.emplace_back(b, next);
      nodes_.emplace_back();
    }
    node = next;
  }
  // Equal texts cannot occur (Vocabulary::validate); keep the first anyway.
  if (nodes_[static_cast<std::size_t>(node)].entry < 0) nodes_[static_cast<std::size_t>(node)].entry = entry;
}

std::int32_t AddedTokenMatcher::Automaton::child(std::int32_t node, unsigned char b) const {
  for (const auto& [byte, next] : nodes_[static_cast<std::size_t>(node)].next)
    if (byte == b) return next;
  return -1;
}

// The goto function with failure links folded in (root_next_ is dense).
std::int32_t AddedTokenMatcher::Automaton::step(std::int32_t node, unsigned char b) const {
  while (node != 0) {
    const std::int32_t next = child(node, b);
    if (next >= 0) return next;
    node = nodes_[static_cast<std::size_t>(node)].fail;
  }
  return root_next_[b];
}

void AddedTokenMatcher::Automaton::build() {
  for (std::int32_t& n : root_next_) n = 0;
  for (const auto& [b, next] : nodes_[0].next) root_next_[b] = next;
  // Breadth first, so a node's failure target is finished before it.
  std::vector<std::int32_t> queue;
  for (const auto& [b, next] : nodes_[0].next) {
    nodes_[static_cast<std::size_t>(next)].fail = 0;
    queue.push_back(next);
  }
  for (std::size_t q = 0; q < queue.size(); ++q) {
    const std::int32_t node = queue[q];
    Node& n = nodes_[static_cast<std::size_t>(node)];
    n.output = n.entry >= 0 ? n.entry : nodes_[static_cast<std::size_t>(n.fail)].output;
    for (const auto& [b, next] : n.next) {
      nodes_[static_cast<std::size_t>(next)].fail = step(n.fail, b);
      queue.push_back(next);
    }
  }
}

void AddedTokenMatcher::Automaton::longest_at(std::string_view text, std::vector<std::int32_t>& longest) const {
  longest.assign(text.size(), -1);
  if (empty()) return;
  // Scanning backwards, the reversed tokens that end here are the tokens
  // that start here; the deepest is the longest, and it is `output`.
  std::int32_t node = 0;
  for (std::size_t p = text.size(); p-- > 0;) {
    node = step(node, static_cast<unsigned char>(text[p]));
    longest[p] = nodes_[static_cast<std::size_t>(node)].output;
  }
}

std::vector<AddedTokenMatcher::Fragment> AddedTokenMatcher::split(std::string_view text,
                                                                  bool parse_control) const {
  std::vector<Fragment> out;
  std::vector<std::int32_t> longest;
  (parse_control ? all_ : user_defined_).longest_at(text, longest);
  std::size_t plain_start = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (longest[pos] < 0) {
      ++pos;
      continue;
    }
    const Entry& hit = entries_[static_cast<std::size_t>(longest[pos])];
    if (pos > plain_start) out.push_back({text.substr(plain_start, pos - plain_start), -1});
    out.push_back({hit.text, hit.id});
    pos += hit.text.size();
    plain_start = pos;
  }
  if (plain_start < text.size()) out.push_back({text.substr(plain_start), -1});
  return out;
}

bool AddedTokenMatcher::contains_any(std::string_view text) const {
  std::vector<std::int32_t> longest;
  all_.longest_at(text, longest);
  for (const std::int32_t e : longest)
    if (e >= 0) return true;
  return false;
}

bool Tokenizer::mentions_special_token(std::string_view text) const {
  const Vocabulary& v = vocabulary();
  for (std::size_t id = 0; id < v.size(); ++id) {
    const TokenType t = v.type(static_cast<std::int32_t>(id));
    if ((t == TokenType::control || t == TokenType::user_defined) && !v.tokens[id].empty() &&
        text.find(v.tokens[id]) != std::string_view::npos)
      return true;
  }
  return false;
}

}  // namespace lf
