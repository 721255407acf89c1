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
    const std::string_view text = vocab.tokens[i];
    by_first_byte_[static_cast<unsigned char>(text[0])].push_back({text, id, t == TokenType::control});
  }
  for (auto& [byte, entries] : by_first_byte_) {
    std::stable_sort(entries.begin(), entries.end(),
                     [](const Entry& a, const Entry& b) { return a.text.size() > b.text.size(); });
  }
}

std::vector<AddedTokenMatcher::Fragment> AddedTokenMatcher::split(std::string_view text,
                                                                  bool parse_control) const {
  std::vector<Fragment> out;
  std::size_t plain_start = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const Entry* hit = nullptr;
    if (auto it = by_first_byte_.find(static_cast<unsigned char>(text[pos])); it != by_first_byte_.end()) {
      for (const Entry& e : it->second) {
        if ((parse_control || !e.control) && text.substr(pos, e.text.size()) == e.text) {
          hit = &e;
          break;
        }
      }
    }
    if (hit == nullptr) {
      ++pos;
      continue;
    }
    if (pos > plain_start) out.push_back({text.substr(plain_start, pos - plain_start), -1});
    out.push_back({hit->text, hit->id});
    pos += hit->text.size();
    plain_start = pos;
  }
  if (plain_start < text.size()) out.push_back({text.substr(plain_start), -1});
  return out;
}

bool AddedTokenMatcher::contains_any(std::string_view text) const {
  for (std::size_t pos = 0; pos < text.size(); ++pos) {
    const auto it = by_first_byte_.find(static_cast<unsigned char>(text[pos]));
    if (it == by_first_byte_.end()) continue;
    for (const Entry& e : it->second)
      if (text.substr(pos, e.text.size()) == e.text) return true;
  }
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
