#include "common/grounded_text.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "common/utf8.hpp"

namespace app::grounding {

namespace {

bool ends_sentence(char32_t c) {
  return c == U'。' || c == U'！' || c == U'？' || c == U'!' || c == U'?' || c == U'；' || c == U';' ||
         c == U'\n' || c == U'～' || c == U'~';
}

// Words that only the comment classifier's answers or chat markup contain:
// a sentence holding one is a task leaking into generation, not a script.
constexpr std::array<const char*, 12> kLeaks{"意图：", "情感：", "<|", "|>", "complaint", "praise", "purchase",
                                             "neutral", "positive", "negative", "\xEF\xBF\xBD", "im_end"};

// Host and service talk that states no fact: greetings, hype, calls to
// action, the frames of answers. A sentence's character bigrams found
// neither here nor in the product are "novel"; a sentence made mostly of
// them states something from the model's memory ("最后静音设计" for a
// jacket) and is not ok.
constexpr const char* kHostTalk =
    "家人们宝宝们姐妹们兄弟们朋友们老铁们大家好晚上好下午好欢迎来到我们直播间新进来的点点关注点个关注"
    "今天给大家带来的是这一款这款产品接下来给大家介绍一下推荐看过来来来来首先其次然后最后还有而且另外再说一遍"
    "真的太好了非常特别超级很好用好看好穿舒服喜欢心动闭眼入冲冲冲必须安排上车买它不踩雷性价比超高绝绝子"
    "放心大胆可以选择都有可选款式颜色尺码材质亮点重点来了福利价格今天只要到手价直播间专属活动优惠"
    "赶紧点击下方链接下单吧去拍想要的抓紧时间错过就没有了拍完在公屏说一声记得自己用送人都合适"
    "平时要原价现在就能带回家不要犹豫了先说用过的都说好回购品质做工细节设计满意实惠划算一起看看这个"
    "下单还送再送有的哦目前有是这样的商品信息里没有写具体可以问问客服呢呀啦适合是的不是支持"
    "等了好久的终于来了宝子们已经拍了扣个已拍扣一扣二手慢无拍了就送姐妹们冲不用想了真的绝了我自己用下来很惊喜"
    "听我说没有之一宠粉福利上链接三二一回购安排好物分享给你们必入清单实在太好用了谁用谁知道强烈推荐爱了爱了"
    "点个赞左上角福袋关注主播不迷路库存不多抓紧我们家的品质放心买买不了吃亏买不了上当这个价格真的没谁了"
    "每天都在用一直在回购身边朋友都在问闭眼拍就对了懂的都懂数量有限先到先得助理上库存拍下备注颜色尺码"
    "大家看一下这个细节质感非常好上身效果特别好看日常百搭通勤约会都可以你们看我手上这个这个价位真的很难找"
    "直接拍不用等了都给我冲今天的福利价错过等一年真的太划算了这款是我们家的爆款卖了很多单好评如潮";

const std::set<std::u32string>& host_bigrams() {
  static const std::set<std::u32string> out = [] {
    std::set<std::u32string> g;
    const std::u32string cps = utf8::decode(kHostTalk);
    for (std::size_t i = 0; i + 1 < cps.size(); ++i) g.insert(cps.substr(i, 2));
    return g;
  }();
  return out;
}

}  // namespace

std::size_t novel_bigrams(std::string_view text, const FactSheet& facts, std::size_t* total) {
  const std::u32string& product = facts.text32();
  std::u32string cps;
  for (char32_t ch : utf8::decode(normalize(text)))
    if (!utf8::is_punctuation_or_symbol(ch) && !utf8::is_space(ch)) cps.push_back(ch);
  std::size_t novel = 0;
  if (total) *total = cps.size() < 2 ? 0 : cps.size() - 1;
  for (std::size_t i = 0; i + 1 < cps.size(); ++i) {
    const std::u32string g = cps.substr(i, 2);
    if (!host_bigrams().count(g) && product.find(g) == std::u32string::npos) ++novel;
  }
  return novel;
}

std::vector<std::string> split_sentences(std::string_view text) {
  std::vector<std::string> out;
  std::u32string cur;
  auto flush = [&] {
    const std::string s = utf8::trim(utf8::encode(cur));
    bool content = false;
    for (char32_t c : utf8::decode(s)) content = content || !(utf8::is_punctuation_or_symbol(c) || utf8::is_space(c));
    if (content) out.push_back(s);
    cur.clear();
  };
  const std::u32string cps = utf8::decode(text);
  for (std::size_t i = 0; i < cps.size(); ++i) {
    cur.push_back(cps[i]);
    // Keep a run of closing marks together ("！！", "？～").
    if (ends_sentence(cps[i]) && (i + 1 == cps.size() || !ends_sentence(cps[i + 1]))) flush();
  }
  flush();
  return out;
}

std::vector<std::string> unsupported_spans(std::string_view text, const FactSheet& facts) {
  std::vector<std::string> out;
  for (const FactSpan& span : find_fact_spans(text))
    if (!facts.supports(span)) out.push_back(std::string(span_kind_name(span.kind)) + " " + span.text);
  // A gift is a fact of its own: "还送量杯" needs 量杯 in the product, not
  // just some gift.
  for (const std::string& obj : gift_objects(normalize(text)))
    if (facts.text().find(obj) == std::string::npos) out.push_back("gift " + obj);
  return out;
}

std::string trim_sentence_end(std::string s) {
  while (!s.empty()) {
    const std::u32string cps = utf8::decode(s);
    const char32_t last = cps.back();
    if (!(utf8::is_space(last) || std::u32string_view(U"。！？!?，,；;、～~.").find(last) != std::u32string_view::npos))
      break;
    s = utf8::encode(cps.substr(0, cps.size() - 1));
  }
  return s;
}

std::string brief(std::string_view value, std::size_t max_chars) {
  const std::u32string cps = utf8::decode(value);
  if (cps.size() <= max_chars) return std::string(value);
  std::size_t cut = max_chars;
  for (std::size_t i = max_chars; i > max_chars / 2; --i)
    if (std::u32string_view(U"，,、；; ").find(cps[i]) != std::u32string_view::npos) {
      cut = i;
      break;
    }
  return utf8::encode(cps.substr(0, cut));
}

CheckedSentence check_sentence(std::string_view sentence, const FactSheet& facts, std::vector<std::string>& used_points,
                               std::size_t max_fill_chars, std::string_view negated) {
  CheckedSentence r;
  r.text = std::string(sentence);
  const std::string open = "【", close = "】";
  std::string filled, own;  // own: the sentence with every fill left out
  std::string_view rest = sentence;
  while (true) {
    const std::size_t a = rest.find(open);
    if (a == std::string_view::npos) {
      filled += rest;
      own += rest;
      break;
    }
    const std::size_t b = rest.find(close, a + open.size());
    if (b == std::string_view::npos) {
      r.problem = "unclosed 【";
      return r;
    }
    filled += rest.substr(0, a);
    own += rest.substr(0, a);
    const std::string label(rest.substr(a + open.size(), b - a - open.size()));
    const std::string whole(rest.substr(a, b + close.size() - a));
    const ProductLine* line = facts.find(label);
    if (!line && label == "卖点") {
      for (const ProductLine* p : facts.selling_points())
        if (std::find(used_points.begin(), used_points.end(), p->label) == used_points.end()) {
          line = p;
          break;
        }
    }
    if (line) {
      filled += brief(line->value, max_fill_chars);
      own += "，";  // the fill is the product's text: only the model's own words are judged
      r.labels.push_back(line->label);
      if (line->key == "selling_points") used_points.push_back(line->label);
    } else if (facts.text().find(normalize(whole)) != std::string::npos) {
      filled += whole;  // brackets the product itself writes, e.g. a brand: 【栖木】
      own += whole;
    } else {
      r.problem = "unknown slot " + whole;
      return r;
    }
    rest = rest.substr(b + close.size());
  }
  std::string n = normalize(filled);
  if (const std::string neg = normalize(negated); !neg.empty())
    for (std::size_t at = n.find(neg); at != std::string::npos; at = n.find(neg, at)) n.replace(at, neg.size(), "，");
  for (const char* leak : kLeaks)
    if (n.find(leak) != std::string::npos) {
      r.problem = std::string("leaked markup or label '") + leak + "'";
      return r;
    }
  // Verify what the model wrote itself: the filled values are the
  // product's own text, so only the text between slots needs checking,
  // but checking the whole sentence is simpler and equivalent.
  const std::vector<std::string> bad = unsupported_spans(n, facts);
  r.text = filled;
  if (!bad.empty()) {
    r.problem = "unsupported " + bad.front();
    return r;
  }
  std::string own_n = normalize(own);
  if (const std::string neg = normalize(negated); !neg.empty())
    for (std::size_t at = own_n.find(neg); at != std::string::npos; at = own_n.find(neg, at)) own_n.replace(at, neg.size(), "，");
  std::size_t total = 0;
  const std::size_t novel = novel_bigrams(own_n, facts, &total);
  if (novel >= 3 && novel * 2 > total) {
    r.problem = "states something the product does not (" + std::to_string(novel) + " of " + std::to_string(total) +
                " bigrams in neither the product nor host talk)";
    return r;
  }
  r.ok = true;
  return r;
}

double repeated_4gram_share(std::string_view text) {
  std::u32string cps;
  for (char32_t c : utf8::decode(text))
    if (!utf8::is_punctuation_or_symbol(c) && !utf8::is_space(c)) cps.push_back(c);
  if (cps.size() < 4) return 0;
  std::map<std::u32string, int> counts;
  for (std::size_t i = 0; i + 4 <= cps.size(); ++i) ++counts[cps.substr(i, 4)];
  std::size_t repeated = 0, total = cps.size() - 3;
  for (const auto& [g, c] : counts)
    if (c > 1) repeated += c - 1;  // occurrences after the first
  return static_cast<double>(repeated) / static_cast<double>(total);
}

}  // namespace app::grounding
