#include "common/script_builder.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

#include "common/grounded_text.hpp"
#include "common/utf8.hpp"

namespace app::grounding {

namespace {

// The longest a product value gets in a script (long products: brief()).
constexpr std::size_t kMaxFill = 200;

enum class Role { opening, name, body, price, promotion, gift, cta };

bool contains_any(const std::string& text, std::initializer_list<const char*> words) {
  return std::any_of(words.begin(), words.end(), [&](const char* w) { return text.find(w) != std::string::npos; });
}

bool has_label(const CheckedSentence& s, std::string_view label) {
  return std::find(s.labels.begin(), s.labels.end(), label) != s.labels.end();
}

Role role_of(const CheckedSentence& s, bool first, const FactSheet& facts) {
  // Facts written out without slots count like their slots: "到手价399元".
  bool says_price = has_label(s, "价格") || has_label(s, "原价");
  bool says_gift = has_label(s, "赠品");
  for (const FactSpan& span : find_fact_spans(s.text)) {
    if (span.kind == SpanKind::number && (std::fabs(span.value - facts.product().price) < 1e-9 ||
                                          (facts.product().original_price &&
                                           std::fabs(span.value - *facts.product().original_price) < 1e-9)))
      says_price = true;
    if (span.kind == SpanKind::claim && span.group == "gift") says_gift = true;
  }
  if (says_price) return Role::price;
  if (has_label(s, "优惠")) return Role::promotion;
  if (says_gift) return Role::gift;
  if (has_label(s, "商品")) return Role::name;
  if (!s.labels.empty()) return Role::body;
  if (contains_any(s.text, {"下单", "拍下", "拍它", "去拍", "链接", "抢", "冲", "上车", "买它", "购物车", "小黄车", "加购"}))
    return Role::cta;
  if (first && contains_any(s.text, {"家人们", "宝宝们", "姐妹们", "朋友们", "大家好", "欢迎", "晚上好", "直播间的", "哈喽"}))
    return Role::opening;
  return Role::body;
}

std::u32string content_chars(std::string_view text) {
  std::u32string cps;
  for (char32_t ch : utf8::decode(normalize(text)))
    if (!utf8::is_punctuation_or_symbol(ch) && !utf8::is_space(ch)) cps.push_back(ch);
  return cps;
}

// A sentence with no slot that introduces a product ("今天给大家带来…")
// names it from the model's memory unless it holds the real name.
bool names_another_product(const CheckedSentence& s, const FactSheet& facts) {
  if (!s.labels.empty()) return false;
  if (!contains_any(s.text, {"带来", "推荐", "介绍", "这款是", "今天的是", "上新", "这一款"})) return false;
  return normalize(s.text).find(normalize(facts.product().name)) == std::string::npos;
}


// Deterministic phrasing choice: splitmix64 of the seed and the part.
std::size_t pick(std::uint64_t seed, std::uint64_t part, std::size_t n) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ull * (part + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return static_cast<std::size_t>((z ^ (z >> 31)) % n);
}

template <std::size_t N>
std::string choose(const std::array<const char*, N>& options, std::uint64_t seed, std::uint64_t part) {
  return options[pick(seed, part, N)];
}

std::string replace_all(std::string s, std::string_view key, const std::string& value) {
  for (std::size_t at = s.find(key); at != std::string::npos; at = s.find(key, at + value.size()))
    s.replace(at, key.size(), value);
  return s;
}

}  // namespace

GroundedScript build_script(std::string_view draft, const FactSheet& facts, std::uint64_t seed) {
  GroundedScript out;
  std::vector<std::string> used_points;
  std::vector<std::pair<Role, CheckedSentence>> kept;
  std::set<std::u32string> seen_grams;
  bool first = true;
  for (const std::string& sentence : split_sentences(draft)) {
    CheckedSentence c = check_sentence(sentence, facts, used_points, kMaxFill);
    if (c.ok && names_another_product(c, facts)) {
      c.ok = false;
      c.problem = "introduces a product without its name";
    }

    if (c.ok) {
      // Fold repetition: a sentence whose 4-grams were mostly said already.
      std::u32string cps;
      for (char32_t ch : utf8::decode(c.text))
        if (!utf8::is_punctuation_or_symbol(ch) && !utf8::is_space(ch)) cps.push_back(ch);
      std::size_t grams = 0, old = 0;
      for (std::size_t i = 0; i + 4 <= cps.size(); ++i, ++grams) old += seen_grams.count(cps.substr(i, 4));
      if (grams > 0 && old * 2 >= grams) {
        c.ok = false;
        c.problem = "repeats earlier text";
      } else {
        for (std::size_t i = 0; i + 4 <= cps.size(); ++i) seen_grams.insert(cps.substr(i, 4));
      }
    }
    if (!c.ok) {
      out.dropped.push_back(sentence + "  <- " + c.problem);
      continue;
    }
    kept.emplace_back(role_of(c, first, facts), std::move(c));
    first = false;
  }

  const Product& p = facts.product();
  std::vector<std::string> parts;
  std::set<std::string> labels_used;
  auto emit_model = [&](Role role, bool only_first) {
    bool any = false;
    for (auto& [r, c] : kept) {
      if (r != role || (only_first && any)) continue;
      parts.push_back(c.text);
      labels_used.insert(c.labels.begin(), c.labels.end());
      for (const std::string& l : c.labels)
        if (std::find(out.facts.begin(), out.facts.end(), l) == out.facts.end()) out.facts.push_back(l);
      ++out.model_sentences;
      any = true;
    }
    return any;
  };
  auto emit_template = [&](std::string text, std::initializer_list<const char*> labels) {
    parts.push_back(std::move(text));
    for (const char* l : labels) {
      labels_used.insert(l);
      if (std::find(out.facts.begin(), out.facts.end(), l) == out.facts.end()) out.facts.push_back(l);
    }
    ++out.template_sentences;
  };
  const auto value = [&](const char* label) {
    return facts.find(label) ? brief(facts.find(label)->value, kMaxFill) : std::string();
  };

  // 1. Opening.
  if (!emit_model(Role::opening, true))
    emit_template(choose(std::array{"家人们晚上好，欢迎来到直播间！", "哈喽宝宝们，欢迎来到直播间！",
                                    "来来来，新进来的家人们点点关注！", "姐妹们好呀，今天这个一定要听我讲完！"},
                         seed, 1),
                  {});
  // 2. The product's name.
  if (!emit_model(Role::name, true))
    emit_template(replace_all(choose(std::array{"今天给大家带来的是{name}。", "这一款是{name}。",
                                                "接下来给大家介绍{name}。"},
                                     seed, 2),
                              "{name}", brief(p.name, 120)),
                  {"商品"});
  // 3. Body: the draft's selling points and specs, then the selling points
  //    still missing (at least three, all when there are fewer).
  emit_model(Role::body, false);
  const std::vector<const ProductLine*> points = facts.selling_points();
  const std::size_t want = std::min<std::size_t>(3, points.size());
  std::size_t have = 0;
  for (const ProductLine* pt : points) have += labels_used.count(pt->label);
  static constexpr std::array<const char*, 4> kPointLeads{"{sp}。", "而且{sp}。", "还有一点，{sp}。", "最重要的是{sp}！"};
  std::size_t k = 0;
  for (const ProductLine* pt : points) {
    if (have >= want) break;
    if (labels_used.count(pt->label)) continue;
    const std::string lead = k == 0 ? "先说亮点，{sp}。" : kPointLeads[pick(seed, 10 + k, kPointLeads.size())];
    parts.push_back(replace_all(lead, "{sp}", trim_sentence_end(brief(pt->value, kMaxFill))));
    labels_used.insert(pt->label);
    out.facts.push_back(pt->label);
    ++out.template_sentences;
    ++have;
    ++k;
  }
  // 4. Price (with the original price when there is one).
  if (!emit_model(Role::price, true)) {
    if (p.original_price)
      emit_template(replace_all(replace_all(choose(std::array{"原价{op}，今天直播间只要{price}！",
                                                              "平时要{op}，今天在我们直播间{price}就能带回家！"},
                                                   seed, 4),
                                            "{op}", value("原价")),
                                "{price}", value("价格")),
                    {"价格", "原价"});
    else
      emit_template(replace_all(choose(std::array{"今天直播间的价格是{price}！", "现在下单只要{price}！"}, seed, 4),
                                "{price}", value("价格")),
                    {"价格"});
  }
  // 5. Promotion and gifts, when the product has them.
  if (p.promotion && !emit_model(Role::promotion, true))
    emit_template(choose(std::array{"福利来了：", "重点来了："}, seed, 5) + trim_sentence_end(value("优惠")) + "！", {"优惠"});
  if (facts.find("赠品") && !emit_model(Role::gift, true))
    emit_template("下单还送" + value("赠品") + "。", {"赠品"});
  // 6. Call to action.
  if (!emit_model(Role::cta, true))
    emit_template(choose(std::array{"喜欢的家人们赶紧点击下方链接下单吧！", "想要的宝宝们直接去拍，拍完在公屏说一声！",
                                    "心动的家人们抓紧时间下单哦！"},
                         seed, 6),
                  {});
  // Last, fold repetition across the parts: a part whose 4-grams were
  // mostly said already (a gift in both the promotion and its own
  // sentence) is left out.
  std::set<std::u32string> said;
  for (const std::string& part : parts) {
    const std::u32string cps = content_chars(part);
    std::size_t grams = 0, old = 0;
    for (std::size_t i = 0; i + 4 <= cps.size(); ++i, ++grams) old += said.count(cps.substr(i, 4));
    if (grams > 0 && old * 2 >= grams) continue;
    for (std::size_t i = 0; i + 4 <= cps.size(); ++i) said.insert(cps.substr(i, 4));
    out.text += part;
    // A draft's last sentence may lack its closing mark; the next part
    // must not run into it.
    const char32_t last = utf8::decode(part).back();
    if (std::u32string_view(U"。！？!?；;～~…").find(last) == std::u32string_view::npos) out.text += "。";
  }
  return out;
}

}  // namespace app::grounding
