#include "common/qa_grounding.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "common/grounded_text.hpp"
#include "common/utf8.hpp"

namespace app::grounding {

namespace {

// What viewers ask about: the words that reveal the topic, the words a
// product line's label carries for it, and the noun a decline names.
struct Topic {
  const char* name;
  std::vector<std::string> cues;
  std::vector<std::string> labels;
  const char* noun;
};

const std::vector<Topic>& topics() {
  static const std::vector<Topic> t{
      {"price",
       {"多少钱", "多钱", "价格", "价钱", "几块", "多少米", "几米", "啥价", "什么价", "咋卖", "怎么卖", "贵不贵", "到手",
        "原价", "现价", "多少一", "便宜", "太贵", "价位"},
       {"价格"},
       "价格"},
      {"promotion", {"优惠", "活动", "券", "满减", "打折", "折扣", "福利", "秒杀", "降价"}, {"优惠"}, "优惠活动"},
      {"gift", {"送", "赠", "礼品", "小样", "福袋"}, {"赠品"}, "赠品"},
      {"colour", {"颜色", "配色", "什么色", "几个色", "色号"}, {"颜色", "色", "color"}, "颜色"},
      {"size", {"尺码", "尺寸", "码数", "大小", "身高", "体重", "穿多大", "偏大", "偏小", "size", "几码", "什么码"},
       {"尺码", "尺寸", "码", "size", "规格"}, "尺码"},
      {"material", {"材质", "面料", "材料", "成分", "什么做的", "纯棉", "含量", "混纺", "真皮"}, {"材质", "面料", "成分", "材料"}, "材质"},
      {"shipping",
       {"发货", "快递", "物流", "几天到", "多久到", "什么时候发", "包邮", "运费", "发啥", "哪里发", "几天能到", "哪发"},
       {"发货", "物流", "快递"},
       "发货信息"},
      {"returns", {"退货", "退换", "换货", "无理由", "售后", "退款", "运费险", "包退", "能退", "可以退", "退吗"}, {"售后", "退"}, "退换政策"},
      {"warranty", {"保修", "质保", "保多久"}, {"保修", "质保"}, "保修"},
      {"stock", {"库存", "有货", "现货", "多少件", "抢完", "没货", "断货", "补货", "还有吗"}, {"库存"}, "库存"},
      {"audience",
       {"适合", "适用", "男生", "女生", "孩子", "小孩", "老人", "年龄", "肤质", "几岁", "能用吗", "敏感肌"},
       {"人群", "适用", "适合", "年龄", "肤质"},
       "适用人群"},
      {"weight", {"多重", "重量", "几斤", "多少克", "净含量", "克重", "重不重"}, {"重量", "净含量", "克重", "净重"}, "重量"},
      {"capacity", {"容量", "毫升", "ml", "装多少", "多大容量"}, {"容量"}, "容量"},
      {"battery", {"续航", "电池", "充电", "待机", "电量"}, {"续航", "电池", "充电"}, "续航"},
      {"origin", {"产地", "哪里产", "哪产", "进口", "国产", "哪里生产", "哪生产"}, {"产地", "原产"}, "产地"},
      {"shelf_life", {"保质期", "过期", "生产日期", "能放多久"}, {"保质期"}, "保质期"},
      {"waterproof", {"防水"}, {"防水"}, "防水等级"},
      {"brand", {"牌子", "品牌", "什么牌", "叫什么"}, {"品牌", "商品"}, "品牌"},
  };
  return t;
}

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

bool any_in(std::string_view hay, const std::vector<std::string>& words) {
  return std::any_of(words.begin(), words.end(), [&](const std::string& w) { return contains(hay, w); });
}

std::string strip_end(std::string s) {
  while (!s.empty()) {
    const std::u32string cps = utf8::decode(s);
    const char32_t last = cps.back();
    if (!(utf8::is_space(last) || std::u32string_view(U"。！？!?，,；;、～~.").find(last) != std::u32string_view::npos))
      break;
    s = utf8::encode(cps.substr(0, cps.size() - 1));
  }
  return s;
}

// Lines whose label carries one of the topic's label words.
std::vector<const ProductLine*> lines_for(const Topic& t, const FactSheet& facts) {
  std::vector<const ProductLine*> out;
  for (const ProductLine& l : facts.lines()) {
    const std::string label = normalize(l.label);
    if (any_in(label, t.labels)) out.push_back(&l);
  }
  // 赠品 also lives in a promotion that gives something away.
  if (std::string(t.name) == "gift" && out.empty())
    if (const ProductLine* promo = facts.find("优惠"); promo && (contains(promo->value, "送") || contains(promo->value, "赠")))
      out.push_back(promo);
  return out;
}

// Lines whose text mentions one of the topic's cue words ("续航" inside a
// selling point) when no line is labelled for the topic.
std::vector<const ProductLine*> lines_mentioning(const Topic& t, const FactSheet& facts) {
  std::vector<const ProductLine*> out;
  for (const ProductLine& l : facts.lines())
    for (const std::string& cue : t.cues)
      if (utf8::length(cue) >= 2 && contains(normalize(l.value), cue)) {
        out.push_back(&l);
        break;
      }
  return out;
}

// Content bigrams of a question: two adjacent letters/digits/CJK characters,
// minus the bigrams every question shares.
std::set<std::u32string> content_bigrams(std::string_view normalized) {
  static const std::set<std::u32string> common{U"这个", U"多少", U"什么", U"有没", U"没有", U"可以", U"主播", U"一下",
                                               U"是不", U"不是", U"怎么", U"请问", U"吗吗", U"能不", U"宝贝", U"大家"};
  std::set<std::u32string> out;
  const std::u32string cps = utf8::decode(normalized);
  for (std::size_t i = 0; i + 1 < cps.size(); ++i) {
    if (utf8::is_punctuation_or_symbol(cps[i]) || utf8::is_punctuation_or_symbol(cps[i + 1]) || utf8::is_space(cps[i]) ||
        utf8::is_space(cps[i + 1]))
      continue;
    const std::u32string g = cps.substr(i, 2);
    if (!common.count(g)) out.insert(g);
  }
  return out;
}

// The lexical match of a question to a line: how many of its content
// bigrams the line's label and value hold.
double overlap(const std::set<std::u32string>& grams, const ProductLine& l) {
  const std::u32string text = utf8::decode(normalize(l.label + " " + l.value));
  double hits = 0;
  for (const std::u32string& g : grams)
    if (text.find(g) != std::u32string::npos) hits += 1;
  return hits;
}

std::string line_answer(const ProductLine& l) {
  const std::string v = strip_end(brief(l.value, 120));
  if (l.key == "selling_points") return v + "哦。";
  if (l.label == "价格" || l.label == "原价") return l.label + "是" + v + "。";
  if (l.label == "发货" || l.label == "售后" || l.label == "优惠") return v + "哦。";
  if (l.label == "赠品") return "下单送" + v + "哦。";
  if (l.label == "人群") return "适合" + v + "哦。";
  if (l.label == "库存") return "库存还有" + v + "哦。";
  if (l.items.size() > 1) return l.label + "有" + v + "哦。";
  return l.label + "是" + v + "哦。";
}

std::string price_answer(const FactSheet& facts) {
  std::string a = "直播间现在" + facts.find("价格")->value;
  if (const ProductLine* op = facts.find("原价")) a += "，原价" + op->value;
  a += "。";
  if (const ProductLine* promo = facts.find("优惠")) a += strip_end(promo->value) + "。";
  return a;
}

// Whether an asked colour is one of the product's: a product colour holds
// the asked colour's stem ("白" in 米白, "藏青" in 藏青).
const std::string* offered_colour(const std::string& asked, const std::vector<const ProductLine*>& lines) {
  const std::string stem = colour_stem(asked);
  for (const ProductLine* l : lines)
    for (const std::string& item : l->items) {
      const std::string n = normalize(item);
      if (contains(colour_stem(n), stem) || contains(n, stem)) return &item;
    }
  return nullptr;
}

const std::string* offered_size(const std::string& asked, const std::vector<const ProductLine*>& lines) {
  for (const ProductLine* l : lines)
    for (const std::string& item : l->items) {
      const std::vector<std::string> sizes = find_sizes(normalize(item));
      if (std::find(sizes.begin(), sizes.end(), asked) != sizes.end()) return &item;
      if (canonical_size(normalize(item)) == asked) return &item;
    }
  return nullptr;
}

std::vector<std::string> labels_of(const std::vector<const ProductLine*>& lines) {
  std::vector<std::string> out;
  for (const ProductLine* l : lines) out.push_back(l->label);
  return out;
}

// A question that expects yes or no: 吗/嘛/么 at the end, or an A-not-A
// form (是不是, 有没有, 能不能...). "还是" asks to choose, not yes/no.
bool is_yes_no(const std::string& q) {
  if (contains(q, "还是") || contains(q, "什么") || contains(q, "多少") || contains(q, "哪")) return false;
  for (const char* f : {"是不是", "有没有", "能不能", "可不可以", "会不会", "支不支持", "是否"})
    if (contains(q, f)) return true;
  std::u32string cps = utf8::decode(q);
  while (!cps.empty() && (utf8::is_punctuation_or_symbol(cps.back()) || utf8::is_space(cps.back()))) cps.pop_back();
  return !cps.empty() && std::u32string_view(U"吗嘛么不没").find(cps.back()) != std::u32string_view::npos;
}

// What a yes/no question asks about beyond its topic: the question without
// function words and the topic's own cue words ("是纯棉的吗" -> "纯棉").
// Cue words that name a value (小孩, 纯棉) stay. Empty when under two
// characters remain.
std::string asked_content(const std::string& q, const Topic& t) {
  static const std::vector<std::string> function_words = [] {
    std::vector<std::string> w{"是不是", "有没有", "能不能", "可不可以", "会不会", "支不支持", "这个", "那个", "这款",
                               "主播", "请问", "宝宝", "姐妹", "一下", "可以", "是否", "适合", "能用", "吗", "嘛",
                               "么", "呢", "啊", "呀", "哦", "吧", "的", "是", "有", "没", "不", "能", "会", "还",
                               "也", "都", "就", "了", "我", "你", "用", "要", "想", "买", "穿", "个", "款", "支持"};
    std::sort(w.begin(), w.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    return w;
  }();
  static const std::vector<std::string> value_cues{"男生", "女生", "孩子", "小孩", "老人", "敏感肌", "纯棉", "真皮",
                                                   "进口", "国产", "混纺", "包邮", "防水"};
  std::string rest = q;
  auto erase = [&](const std::string& w) {
    for (std::size_t at = rest.find(w); at != std::string::npos; at = rest.find(w, at)) rest.replace(at, w.size(), " ");
  };
  for (const std::string& cue : t.cues)
    if (utf8::length(cue) >= 2 && std::find(value_cues.begin(), value_cues.end(), cue) == value_cues.end()) erase(cue);
  for (const std::string& w : function_words) erase(w);
  std::u32string kept;
  for (char32_t c : utf8::decode(rest))
    if (!utf8::is_punctuation_or_symbol(c) && !utf8::is_space(c)) kept.push_back(c);
  return kept.size() >= 2 ? utf8::encode(kept) : std::string();
}

// Whether `a` and `b` share a character bigram.
bool shares_bigram(const std::string& a, const std::string& b) {
  const std::u32string x = utf8::decode(a), y = utf8::decode(b);
  for (std::size_t i = 0; i + 1 < x.size(); ++i)
    if (y.find(x.substr(i, 2)) != std::u32string::npos) return true;
  return false;
}

QaDecision decline_missing(const std::string& topic, const std::string& noun, const std::string& asked) {
  QaDecision d;
  d.decline = true;
  d.topic = topic;
  d.asked = asked;
  d.answer = "商品信息里没有写" + (asked.empty() ? noun : asked) + "哦，具体可以问问客服～";
  return d;
}

}  // namespace

QaDecision decide_answer(std::string_view question, const FactSheet& facts) {
  const std::string q = normalize(question);
  // The topic whose matched cue is longest ("送什么快递": 快递 over 送); the
  // list's order breaks ties.
  const Topic* topic = nullptr;
  std::size_t topic_cue = 0;
  for (const Topic& t : topics())
    for (const std::string& cue : t.cues)
      if (contains(q, cue) && cue.size() > topic_cue) {
        topic = &t;
        topic_cue = cue.size();
      }
  const std::string topic_name = topic ? topic->name : "";

  // 1. An asked colour: offered or declined with what is offered.
  if (const std::vector<std::string> colours = find_colours(q, true); !colours.empty()) {
    std::vector<const ProductLine*> lines = lines_for(topics()[3], facts);
    const std::string& asked = colours.front();
    QaDecision d;
    d.topic = "colour";
    d.asked = asked;
    if (lines.empty()) {
      if (contains(facts.text(), colour_stem(asked))) {  // e.g. the name says 黑色
        d.support = {"商品"};
        d.answer = "有的，就是这款" + facts.product().name + "哦。";
        return d;
      }
      d = decline_missing("colour", "颜色", "");
      d.asked = asked;
      d.answer = "没有" + asked + "哦，商品信息里没有写其他颜色。";
      return d;
    }
    d.support = labels_of(lines);
    if (const std::string* item = offered_colour(asked, lines)) {
      d.answer = "有的，" + *item + "有的哦。" + lines.front()->label + "有" + brief(lines.front()->value, 120) + "。";
      return d;
    }
    d.decline = true;
    d.answer = "没有" + asked + "哦，目前" + lines.front()->label + "有" + brief(lines.front()->value, 120) + "。";
    return d;
  }

  // 2. An asked size: the first size named is the one asked for.
  if (const std::vector<std::string> sizes = find_sizes(q); !sizes.empty() && (topic_name.empty() || topic_name == "size")) {
    std::vector<const ProductLine*> lines = lines_for(topics()[4], facts);
    QaDecision d;
    d.topic = "size";
    const std::string& asked = sizes.front();
    // The viewer's own spelling of it, for the answer ("xxl" for 2xl).
    std::string shown = asked;
    for (char& c : shown) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    d.asked = shown;
    if (lines.empty()) {
      d = decline_missing("size", "尺码", "");
      d.asked = shown;
      d.answer = "没有" + shown + "哦，商品信息里没有写尺码。";
      return d;
    }
    d.support = labels_of(lines);
    if (const std::string* item = offered_size(asked, lines)) {
      d.answer = "有的，" + *item + "有的哦。" + lines.front()->label + "有" + brief(lines.front()->value, 120) + "。";
      return d;
    }
    d.decline = true;
    d.answer = "没有" + shown + "哦，目前" + lines.front()->label + "有" + brief(lines.front()->value, 120) + "。";
    return d;
  }

  // 3. An asked courier.
  if (const std::vector<std::string> couriers = find_couriers(q); !couriers.empty()) {
    const ProductLine* ship = facts.find("发货");
    QaDecision d;
    d.topic = "shipping";
    d.asked = couriers.front();
    if (!ship) {
      d = decline_missing("shipping", "发货信息", couriers.front());
      return d;
    }
    d.support = {ship->label};
    if (contains(normalize(ship->value), couriers.front())) {
      d.answer = "是的，" + strip_end(brief(ship->value, 120)) + "。";
      return d;
    }
    d.decline = true;
    d.answer = "不是" + couriers.front() + "哦，" + strip_end(brief(ship->value, 120)) + "。";
    return d;
  }

  // 4. An asked service (包邮, 无理由, 运费险, 保修, 现货...): the product
  //    text holds a word of the same group, or the claim is declined.
  //    A topic named by a longer word wins over a one-word claim ("送什么
  //    快递" asks about the courier, not a gift).
  std::vector<FactSpan> claims = find_claims(q);
  if (!claims.empty() && topic && topic_cue > claims.front().text.size()) claims.clear();
  if (!claims.empty()) {
    const FactSpan& c = claims.front();
    QaDecision d;
    d.topic = c.group;
    d.asked = c.text;
    for (const ProductLine& l : facts.lines()) {
      const std::string v = normalize(l.label + "：" + l.value);
      for (const std::string& w : claim_words(c.group))
        if (contains(v, w)) {
          d.support = {l.label};
          d.answer = line_answer(l);
          return d;
        }
    }
    // Not in the product: say what the nearest line does offer.
    const char* label = c.group == "free_shipping" ? "发货" : c.group == "returns" || c.group == "warranty" ? "售后" : "";
    if (const ProductLine* l = *label ? facts.find(label) : nullptr) {
      d.decline = true;
      d.support = {l->label};
      d.answer = "没有写" + c.text + "哦，" + l->label + "是：" + strip_end(brief(l->value, 120)) + "。";
      return d;
    }
    return decline_missing(c.group, c.text, c.text);
  }

  // 5. A recognised topic: its lines answer; none means declining.
  if (topic) {
    if (topic_name == "price") {
      QaDecision d;
      d.topic = "price";
      d.support = {"价格"};
      if (facts.find("原价")) d.support.push_back("原价");
      if (facts.find("优惠")) d.support.push_back("优惠");
      d.answer = price_answer(facts);
      return d;
    }
    std::vector<const ProductLine*> lines = lines_for(*topic, facts);
    if (lines.empty()) lines = lines_mentioning(*topic, facts);
    if (!lines.empty()) {
      QaDecision d;
      d.topic = topic_name;
      d.support = {lines.front()->label};
      d.answer = line_answer(*lines.front());
      // "是纯棉的吗" on a wool sweater: a yes/no question whose own words
      // are not in the answering line asks for something not offered.
      if (const std::string asked = asked_content(q, *topic); !asked.empty() && is_yes_no(q)) {
        bool backed = false;
        for (const ProductLine* l : lines) backed = backed || shares_bigram(asked, normalize(l->label + l->value));
        if (!backed) {
          d.decline = true;
          d.asked = asked;
          d.answer = "商品信息里没有写" + asked + "哦，" + lines.front()->label + "是" +
                     strip_end(brief(lines.front()->value, 120)) + "。";
        }
      }
      return d;
    }
    // A topic word that is also a selling point's subject ("透气吗") still
    // falls through to the lexical match before declining.
  }

  // 6. A line named in the question ("版型", "续航"), else the best
  //    lexical match, else a decline.
  for (const ProductLine& l : facts.lines())
    if (utf8::length(l.label) >= 2 && l.key != "selling_points" && contains(q, normalize(l.label)) && l.label != "商品") {
      QaDecision d;
      d.topic = l.label;
      d.support = {l.label};
      d.answer = line_answer(l);
      return d;
    }
  const std::set<std::u32string> grams = content_bigrams(q);
  const ProductLine* best = nullptr;
  double best_score = 0;
  for (const ProductLine& l : facts.lines()) {
    if (l.label == "商品" || l.label == "类目") continue;
    const double s = overlap(grams, l);
    if (s > best_score) {
      best_score = s;
      best = &l;
    }
  }
  if (best && best_score >= 1) {
    QaDecision d;
    d.topic = topic_name.empty() ? best->label : topic_name;
    d.support = {best->label};
    d.answer = line_answer(*best);
    d.score = best_score;
    return d;
  }
  if (topic) return decline_missing(topic_name, topic->noun, "");
  return decline_missing("", "这个", "");
}

std::string accept_model_answer(std::string_view model_text, const QaDecision& d, const FactSheet& facts) {
  const std::vector<std::string> sentences = split_sentences(model_text);
  if (sentences.empty() || sentences.size() > 2) return "";
  std::vector<std::string> used;
  std::string filled;
  for (const std::string& s : sentences) {
    const CheckedSentence c = check_sentence(s, facts, used, 120, d.decline ? std::string_view(d.asked) : std::string_view());
    if (!c.ok) return "";
    filled += c.text;
  }
  const std::string n = normalize(filled);
  static const std::vector<std::string> kDecline{"没有", "不支持", "暂不", "没写", "不包", "不是", "无法", "不提供"};
  if (d.decline != any_in(n, kDecline)) return "";
  if (!d.asked.empty() && !contains(n, normalize(d.asked))) return "";
  if (!d.decline && d.asked.empty()) {
    // It must carry the value of a line that answers the question.
    bool carries = false;
    for (const std::string& label : d.support)
      if (const ProductLine* l = facts.find(label))
        for (const std::string& item : l->items) carries = carries || contains(n, normalize(strip_end(item)));
    if (!carries) return "";
  }
  return filled;
}

}  // namespace app::grounding
