#include "comment_analysis/hotwords.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "common/utf8.hpp"

namespace comments {

namespace {

constexpr std::size_t kMinGram = 2, kMaxGram = 6;
constexpr std::size_t kMaxChars = 200;  // per comment: a hostile long comment costs no more

// Runs of letters, digits and CJK characters (punctuation, spaces and
// emoji split phrases).
std::vector<std::u32string> runs(const std::string& text) {
  std::vector<std::u32string> out(1);
  std::size_t n = 0;
  for (char32_t cp : app::utf8::decode(text)) {
    if (++n > kMaxChars) break;
    if (app::utf8::is_punctuation_or_symbol(cp)) {
      if (!out.back().empty()) out.emplace_back();
    } else {
      out.back() += cp;
    }
  }
  return out;
}

}  // namespace

std::vector<HotWord> hot_words(const std::vector<std::string>& texts, std::size_t top, std::size_t min_count,
                               double explained) {
  std::map<std::u32string, std::size_t> counts;
  for (const std::string& t : texts) {
    std::set<std::u32string> seen;  // once per comment: one 哈哈哈 spammer is not a trend
    for (const std::u32string& r : runs(t))
      for (std::size_t len = kMinGram; len <= kMaxGram && len <= r.size(); ++len)
        for (std::size_t i = 0; i + len <= r.size(); ++i) seen.insert(r.substr(i, len));
    for (const std::u32string& g : seen) ++counts[g];
  }
  std::vector<std::pair<std::u32string, std::size_t>> cands;
  for (const auto& [g, c] : counts)
    if (c >= min_count) cands.emplace_back(g, c);
  // The count of the most frequent longer candidate containing each gram.
  std::map<std::u32string, std::size_t> container;
  for (const auto& [h, hc] : cands)
    for (std::size_t len = kMinGram; len < h.size(); ++len)
      for (std::size_t i = 0; i + len <= h.size(); ++i) {
        std::size_t& m = container[h.substr(i, len)];
        m = std::max(m, hc);
      }
  std::vector<HotWord> out;
  for (const auto& [g, c] : cands) {
    const auto it = container.find(g);
    const bool covered = it != container.end() && static_cast<double>(it->second) >= explained * static_cast<double>(c);
    if (!covered) out.push_back({app::utf8::encode(g), c});
  }
  std::stable_sort(out.begin(), out.end(), [](const HotWord& a, const HotWord& b) {
    if (a.count != b.count) return a.count > b.count;
    return app::utf8::length(a.text) > app::utf8::length(b.text);
  });
  if (out.size() > top) out.resize(top);
  return out;
}

}  // namespace comments
