#include "common/qa_grounding.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "common/grounded_text.hpp"
#include "common/utf8.hpp"

namespace app::grounding {

namespace {

std::string label_words(const std::string& label);

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
      {"promotion", {"优惠", "活动", "券", "满减", "打折", "折扣", "福利", "秒杀", "降价", "划算", "怎么买", "最便宜"},
       {"优惠"}, "优惠活动"},
      {"gift", {"送", "赠", "礼品", "礼物", "小样", "福袋"}, {"赠品"}, "赠品"},
      {"colour", {"颜色", "配色", "什么色", "几个色", "色号"}, {"颜色", "色", "color"}, "颜色"},
      {"size", {"尺码", "尺寸", "码数", "大小", "身高", "体重", "穿多大", "偏大", "偏小", "size", "几码", "什么码"},
       {"尺码", "尺寸", "码", "size", "规格"}, "尺码"},
      {"material",
       {"材质", "面料", "材料", "成分", "什么做的", "纯棉", "含量", "混纺", "真皮", "不锈钢", "铝合金", "涤纶", "羊毛",
        "羊绒", "蚕丝", "塑料", "玻璃", "陶瓷", "实木", "硅胶", "乳胶", "牛皮", "羊皮", "尼龙", "帆布", "纯银",
        "纯金", "真金", "钛合金", "碳纤维", "竹纤维", "莫代尔", "冰丝", "棉麻", "亚麻"},
       {"材质", "面料", "成分", "材料", "material"},
       "材质"},
      {"flavour", {"什么味", "啥味", "口味", "味道", "香味", "香型", "几种味"}, {"口味", "味道", "香型", "风味", "味"}, "口味"},
      {"certificate", {"证书", "鉴定", "检测报告", "认证", "质检"}, {"证书", "certification", "认证", "鉴定", "检测"}, "证书"},
      {"shipping",
       {"发货", "快递", "物流", "几天到", "多久到", "什么时候发", "包邮", "运费", "发啥", "哪里发", "几天能到", "哪发",
        "多久能到", "什么时候到", "到货", "几天发", "啥时候发"},
       {"发货", "物流", "快递"},
       "发货信息"},
      {"returns",
       {"退货", "退换", "换货", "无理由", "售后", "退款", "运费险", "包退", "能退", "可以退", "退吗", "坏果"},
       {"售后", "退"},
       "退换政策"},
      {"warranty", {"保修", "质保", "保多久", "坏了", "破损", "质量问题", "换新"}, {"保修", "质保", "售后"}, "保修"},
      {"stock",
       {"库存", "有货", "现货", "多少件", "抢完", "没货", "断货", "补货", "还有吗", "卖完", "卖光", "还剩", "剩多少", "抢光"},
       {"库存"},
       "库存"},
      {"spec", {"规格", "型号", "版本"}, {"规格", "型号", "版本", "容量", "净含量"}, "规格"},
      {"audience",
       {"适合", "适用", "男生", "女生", "孩子", "小孩", "老人", "年龄", "肤质", "几岁", "能用吗", "敏感肌"},
       {"人群", "适用", "适合", "年龄", "肤质"},
       "适用人群"},
      {"weight", {"多重", "重量", "几斤", "多少克", "净含量", "克重", "重不重"}, {"重量", "净含量", "克重", "净重"}, "重量"},
      {"capacity", {"容量", "毫升", "ml", "装多少", "多大容量"}, {"容量"}, "容量"},
      {"battery", {"续航", "电池", "充电", "待机", "电量"}, {"续航", "电池", "充电"}, "续航"},
      {"origin", {"产地", "哪里产", "哪产", "进口", "国产", "哪里生产", "哪生产", "哪里的", "哪儿产", "哪的"},
       {"产地", "原产", "origin"}, "产地"},
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


// Lines whose label carries one of the topic's label words.
std::vector<const ProductLine*> lines_for(const Topic& t, const FactSheet& facts) {
  std::vector<const ProductLine*> out;
  for (const std::string& word : t.labels)  // the topic's first label word first
    for (const ProductLine& l : facts.lines())
      if (contains(label_words(l.label), word) && std::find(out.begin(), out.end(), &l) == out.end()) out.push_back(&l);
  // 赠品 also lives in a promotion that gives something away.
  if (std::string(t.name) == "gift" && out.empty())
    if (const ProductLine* promo = facts.find("优惠"); promo && (contains(promo->value, "送") || contains(promo->value, "赠")))
      out.push_back(promo);
  return out;
}

// A line's label with the Chinese words of common English keys, so that a
// "warranty" line answers 保修 and "origin" answers 产地.
std::string label_words(const std::string& label) {
  static const std::vector<std::pair<const char*, const char*>> english{
      {"warranty", "保修质保"}, {"origin", "产地"},     {"certification", "证书认证"}, {"flavor", "口味"},
      {"flavour", "口味"},      {"weight", "重量"},     {"capacity", "容量"},         {"material", "材质"},
      {"battery", "电池续航"},  {"power", "功率"},      {"brand", "品牌"},            {"shelf_life", "保质期"},
      {"size", "尺码"},         {"color", "颜色"},      {"colour", "颜色"},           {"dimensions", "尺寸"}};
  std::string out = normalize(label);
  for (const auto& [en, zh] : english)
    if (contains(out, en)) out += zh;
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

// The product's noun in a question ("电煮锅有多重") matches the name and
// any line that repeats it, not the fact asked: those bigrams are left out.
// (Declared here, defined after content_bigrams.)
std::set<std::u32string> without_name(std::set<std::u32string> grams, const FactSheet& facts);

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

std::set<std::u32string> without_name(std::set<std::u32string> grams, const FactSheet& facts) {
  const std::u32string name = utf8::decode(normalize(facts.product().name));
  for (auto it = grams.begin(); it != grams.end();) it = name.find(*it) != std::u32string::npos ? grams.erase(it) : std::next(it);
  return grams;
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

// How a line's label reads in an answer: an English key in Chinese.
std::string display_label(const std::string& label) {
  static const std::vector<std::pair<const char*, const char*>> names{
      {"warranty", "保修"}, {"origin", "产地"},  {"certification", "证书"}, {"flavor", "口味"},  {"flavour", "口味"},
      {"brand", "品牌"},    {"power", "功率"},   {"battery", "电池"},       {"dimensions", "尺寸"}, {"shelf_life", "保质期"}};
  const std::string n = normalize(label);
  for (const auto& [en, zh] : names)
    if (n == en) return zh;
  return label;
}

std::string line_answer(const ProductLine& l) {
  const std::string v = trim_sentence_end(brief(l.value, 120));
  const std::string label = display_label(l.label);
  if (l.key == "selling_points") return v + "哦。";
  if (l.label == "价格" || l.label == "原价") return l.label + "是" + v + "。";
  if (l.label == "发货" || l.label == "售后" || l.label == "优惠") return v + "哦。";
  if (l.label == "赠品") return "下单送" + v + "哦。";
  if (l.label == "人群") return "适合" + v + "哦。";
  if (l.label == "库存") return "库存还有" + v + "哦。";
  if (l.items.size() > 1) return label + "有" + v + "哦。";
  return label + "是" + v + "哦。";
}

std::string price_answer(const FactSheet& facts) {
  std::string a = "直播间现在" + facts.find("价格")->value;
  if (const ProductLine* op = facts.find("原价")) a += "，原价" + op->value;
  a += "。";
  if (const ProductLine* promo = facts.find("优惠")) a += trim_sentence_end(promo->value) + "。";
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

// A quantity question ("多重", "几片", "多少包", "续航多久") names the unit
// its answer is written in; the line holding a number with that unit
// answers it. Each entry: question words, then the units.
struct UnitQuery {
  std::vector<std::string> words;
  std::vector<std::string> units;
  std::vector<std::string> labels;  ///< label words of the lines that state it
};

const std::vector<UnitQuery>& unit_queries() {
  static const std::vector<UnitQuery> q{
      {{"多重", "重量", "几斤", "多少斤", "多少克", "几克", "多少g", "多少kg", "几公斤", "多少公斤", "重不重"},
       {"kg", "g", "克", "公斤", "斤"},
       {"重量", "净重", "克重", "净含量"}},
      {{"多厚", "多粗", "多深"}, {"mm", "cm", "毫米", "厘米"}, {"厚度", "粗细", "深度"}},
      {{"多长", "多高", "多宽", "多大", "尺寸", "多少厘米", "几厘米", "多少cm", "几米", "多少寸", "几寸"},
       {"cm", "mm", "厘米", "毫米", "米", "寸", "m"},
       {"尺寸", "长度", "高度", "宽度", "大小", "规格"}},
      {{"多大"}, {"ml", "毫升", "l", "升"}, {"容量"}},
      {{"几瓦", "多少瓦", "功率", "多少w"}, {"w", "瓦"}, {"功率"}},
      {{"多少度", "几度", "度数"}, {"度", "°"}, {"度数", "酒精度"}},
      {{"容量", "多少毫升", "多少ml", "几升", "多少升", "装多少"}, {"ml", "毫升", "l", "升"}, {"容量", "规格"}},
      {{"续航", "多久", "能用多久", "多长时间", "几个小时", "几小时"}, {"小时", "分钟", "天", "个月", "年", "h"},
       {"续航", "时长"}},
      {{"多少mah", "电池多大", "电池容量"}, {"mah"}, {"电池"}},
      {{"几天到", "几天能到", "多久能到", "多久到"}, {"天"}, {"发货", "物流"}},
  };
  return q;
}

// Measure words a viewer counts with: "几片", "多少包", "一包多少抽".
constexpr std::u32string_view kMeasureWords = U"片包层页支孔头抽粒袋盒瓶个件双张只条枚颗节卷块罐听根把套";

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Whether `text` (normalized) holds a number directly followed by `unit`.
bool has_number_with(const std::string& text, const std::string& unit) {
  for (std::size_t at = text.find(unit); at != std::string::npos; at = text.find(unit, at + 1)) {
    std::size_t b = at;
    while (b > 0 && (text[b - 1] == ' ')) --b;
    if (b > 0 && is_digit(text[b - 1])) {
      // An ASCII unit must not run into more letters ("m" of "mah").
      const std::size_t e = at + unit.size();
      const bool ascii = unit[0] >= 'a' && unit[0] <= 'z';
      if (!ascii || e >= text.size() || !(text[e] >= 'a' && text[e] <= 'z')) return true;
    }
  }
  return false;
}

// Label words of the lines a quantity question is about ("多长": 尺寸, 长度).
std::vector<std::string> unit_labels(const std::string& q) {
  std::vector<std::string> labels;
  for (const UnitQuery& uq : unit_queries())
    if (any_in(q, uq.words)) labels.insert(labels.end(), uq.labels.begin(), uq.labels.end());
  return labels;
}

// "多厚" and a line that says 厚: the dimension asked about is named.
bool says_dimension(const std::string& q, const ProductLine& l) {
  const std::string v = normalize(l.label + l.value);
  for (const char* d : {"长", "高", "宽", "厚", "粗", "深"})
    if (contains(q, std::string("多") + d) && contains(v, d)) return true;
  return false;
}

// The units a quantity question asks in, or none.
std::vector<std::string> asked_units(const std::string& q) {
  std::vector<std::string> units;
  for (const UnitQuery& uq : unit_queries())
    if (any_in(q, uq.words)) units.insert(units.end(), uq.units.begin(), uq.units.end());
  // 几X / 多少X with a measure word X.
  const std::u32string cps = utf8::decode(q);
  for (std::size_t i = 0; i + 1 < cps.size(); ++i) {
    const bool ji = cps[i] == U'几';
    const bool duoshao = i >= 1 && cps[i - 1] == U'多' && cps[i] == U'少';
    if ((ji || duoshao) && kMeasureWords.find(cps[i + 1]) != std::u32string_view::npos)
      units.push_back(utf8::encode(cps.substr(i + 1, 1)));
  }
  return units;
}

// A number with a unit the viewer asks for ("有30W的吗", "500g的有吗"),
// normalized ("30w"), or "".
std::string asked_quantity(const std::string& q) {
  static const std::vector<std::string> units{"mah", "ml", "kg", "cm", "mm", "w", "g", "l", "m", "毫升", "厘米", "毫米",
                                              "公斤", "克", "斤", "度", "寸", "瓦", "升", "米", "片", "包", "支", "粒"};
  for (std::size_t i = 0; i < q.size(); ++i) {
    if (!is_digit(q[i]) || (i > 0 && (is_digit(q[i - 1]) || q[i - 1] == '.'))) continue;
    std::size_t j = i;
    while (j < q.size() && (is_digit(q[j]) || q[j] == '.')) ++j;
    for (const std::string& u : units)
      if (q.compare(j, u.size(), u) == 0) {
        const std::size_t e = j + u.size();
        const bool ascii = u[0] >= 'a' && u[0] <= 'z';
        if (ascii && e < q.size() && q[e] >= 'a' && q[e] <= 'z') continue;
        return q.substr(i, e - i);
      }
  }
  return "";
}

// Words viewers use for the same people or things as product text does.
const std::vector<std::vector<std::string>>& synonym_groups() {
  static const std::vector<std::vector<std::string>> g{
      {"小孩", "孩子", "儿童", "宝宝", "小朋友", "少儿", "少年"},
      {"孕妇", "孕期", "怀孕", "备孕", "哺乳"},
      {"老人", "中老年", "长辈", "老年", "爸妈", "父母"},
      {"男生", "男士", "男人", "男款", "老公", "男朋友"},
      {"女生", "女士", "女人", "女款", "老婆", "女朋友"},
      {"苹果", "iphone", "ios"},
      {"安卓", "android", "华为", "小米"},
      {"学生", "学生党", "上学"},
      {"干皮", "干性"},
      {"油皮", "油性"},
      {"敏感肌", "敏感"},
      {"猫", "猫咪", "幼猫", "成猫"},
      {"狗", "狗狗", "幼犬", "成犬"},
  };
  return g;
}

// `words` plus every synonym of each.
std::vector<std::string> with_synonyms(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& group : synonym_groups())
    for (const std::string& w : group)
      if (contains(text, w)) {
        out.insert(out.end(), group.begin(), group.end());
        break;
      }
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
// characters (`min_chars`) remain.
std::string asked_content(const std::string& q, const Topic& t, std::size_t min_chars = 2) {
  static const std::vector<std::string> function_words = [] {
    std::vector<std::string> w{"是不是", "有没有", "能不能", "可不可以", "会不会", "支不支持", "这个", "那个", "这款",
                               "主播", "请问", "宝宝", "姐妹", "一下", "可以", "是否", "适合", "能用", "吗", "嘛",
                               "么", "呢", "啊", "呀", "哦", "吧", "的", "是", "有", "没", "不", "能", "会", "还",
                               "也", "都", "就", "了", "我", "你", "用", "要", "想", "买", "穿", "个", "款", "支持",
                               "下单", "拍了", "买了", "什么", "啥", "几个", "多少"};
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
  return kept.size() >= min_chars ? utf8::encode(kept) : std::string();
}

// Whether `a` and `b` share a character bigram.
bool shares_bigram(const std::string& a, const std::string& b) {
  const std::u32string x = utf8::decode(a), y = utf8::decode(b);
  for (std::size_t i = 0; i + 1 < x.size(); ++i)
    if (y.find(x.substr(i, 2)) != std::u32string::npos) return true;
  return false;
}

// `needle` in `hay` where a number in it stays whole: "2kg" is not in
// "1.2kg", "3" is not in "36".
bool contains_whole(const std::string& hay, const std::string& needle) {
  for (std::size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) {
    const bool digit_start = is_digit(needle.front()), digit_end = is_digit(needle.back());
    const bool before_ok = !digit_start || at == 0 || !(is_digit(hay[at - 1]) || hay[at - 1] == '.');
    const std::size_t e = at + needle.size();
    const bool after_ok = !digit_end || e >= hay.size() || !(is_digit(hay[e]) || hay[e] == '.');
    if (before_ok && after_ok) return true;
  }
  return false;
}

// An availability question: "X还有吗", "X有货吗", "有没有X", "有X吗".
bool is_availability(const std::string& q) {
  for (const char* f : {"还有吗", "有货吗", "有货没", "还有没", "有没有", "还有货", "有吗", "有的吗"})
    if (contains(q, f)) return true;
  return contains(q, "有") && is_yes_no(q);
}

// The variant an availability question names: the question without its
// frame, address and particles ("主播主播03小麦色还有吗呀" -> "03小麦色",
// "8号码还有吗" -> "8号"); "" when it is not such a question or nothing
// of two or more characters (or one digit-led token) is left.
std::string asked_variant(const std::string& q) {
  if (!is_availability(q)) return "";
  static const std::vector<std::string> frame = [] {
    std::vector<std::string> w{"还有货吗", "有货吗", "有货没", "还有吗", "还有没", "有没有", "有的吗", "有吗", "请问",
                               "主播", "宝宝", "姐妹", "亲", "这款", "这个", "的", "呀", "啊", "呢", "吗", "哦", "嘛",
                               "还", "有", "没", "货"};
    std::sort(w.begin(), w.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    return w;
  }();
  std::string rest = q;
  for (const std::string& w : frame)
    for (std::size_t at = rest.find(w); at != std::string::npos; at = rest.find(w, at)) rest.replace(at, w.size(), " ");
  std::u32string kept;
  const std::u32string r = utf8::decode(rest);
  for (std::size_t i = 0; i < r.size(); ++i) {
    const bool decimal_point = r[i] == U'.' && i > 0 && i + 1 < r.size() && r[i - 1] >= U'0' && r[i - 1] <= U'9' &&
                               r[i + 1] >= U'0' && r[i + 1] <= U'9';  // 1.8米床
    if (decimal_point || (!utf8::is_punctuation_or_symbol(r[i]) && !utf8::is_space(r[i]))) kept.push_back(r[i]);
  }
  // "8号码" asks for 8号; "XL码" for XL.
  if (kept.size() >= 2 && kept.back() == U'码') kept.pop_back();
  if (kept.empty() || kept.size() > 8) return "";
  if (kept.size() == 1 && !(kept[0] < 128)) return "";
  return utf8::encode(kept);
}

// No gift line. An explicit empty gift list says there is none; otherwise
// the product just does not say.
QaDecision no_gift(const FactSheet& facts) {
  QaDecision d;
  d.decline = true;
  d.topic = "gift";
  if (facts.product().gifts && facts.product().gifts->empty()) {
    d.answer = "这款没有赠品哦";
    if (const ProductLine* promo = facts.find("优惠")) {
      d.support = {promo->label};
      d.answer += "，不过现在" + trim_sentence_end(brief(promo->value, 120));
    }
    d.answer += "。";
  } else {
    d.answer = "商品信息里没有写赠品哦，具体可以问问客服～";
  }
  return d;
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
  // A cue inside the product's own name ("帆布袋的规格") names the product,
  // not the topic.
  const std::string product_name = normalize(facts.product().name);
  for (const Topic& t : topics())
    for (const std::string& cue : t.cues)
      if (contains(q, cue) && cue.size() > topic_cue && !(utf8::length(cue) >= 2 && contains(product_name, cue))) {
        topic = &t;
        topic_cue = cue.size();
      }
  const std::string topic_name = topic ? topic->name : "";

  // 0. A variant asked for by its own name ("天空蓝还有吗", "8号码有货吗",
  //    "有没有02自然色的"): one of a list line's items, offered; a name in
  //    no line is declined below (colour, size) or with the variant lines.
  const std::string variant = asked_variant(q);
  // The product itself ("洗发水还有吗" about a shampoo) is a stock question.
  const bool names_product = !variant.empty() && shares_bigram(variant, normalize(facts.product().name));
  if (!variant.empty() && !names_product)
    for (const ProductLine& l : facts.lines()) {
      if (l.key.rfind("specs.", 0) != 0 && l.items.size() < 2) continue;
      for (const std::string& item : l.items) {
        const std::string n = normalize(item);
        const std::string vs = canonical_size(variant), is = canonical_size(n);
        const bool same = !vs.empty() || !is.empty()
                              ? vs == is
                              : n == variant || (utf8::length(variant) >= 2 && contains_whole(n, variant)) ||
                                    (utf8::length(n) >= 2 && contains_whole(variant, n));
        if (same) {
          QaDecision d;
          d.topic = "variant";
          d.asked = item;
          d.support = {l.label};
          d.answer = "有的，" + item + "有的哦。" + display_label(l.label) + "有" + brief(l.value, 120) + "。";
          return d;
        }
      }
    }

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
  bool counts = false;  // "多少片", "几包": a count, not a size question
  for (const std::string& u : asked_units(q)) counts = counts || kMeasureWords.find(utf8::decode(u).front()) != std::u32string_view::npos;
  if (const std::vector<std::string> sizes = find_sizes(q);
      !sizes.empty() && !counts && (topic_name.empty() || topic_name == "size")) {
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
      d.answer = "是的，" + trim_sentence_end(brief(ship->value, 120)) + "。";
      return d;
    }
    d.decline = true;
    d.answer = "不是" + couriers.front() + "哦，" + trim_sentence_end(brief(ship->value, 120)) + "。";
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
    // The exact service is asked about: 运费险 is not 退换, 无理由 is not
    // 包退. Words that mean the same thing count as the same word.
    static const std::vector<std::vector<std::string>> same{
        {"包邮", "免运费", "免邮", "运费全免"}, {"退货", "退换", "包退", "可退", "退款", "包换"},
        {"保修", "质保", "延保"}, {"库存", "现货"}, {"正品", "官方授权", "专柜"}};
    std::vector<std::string> words{c.text};
    for (const auto& group : same)
      if (std::find(group.begin(), group.end(), c.text) != group.end()) words = group;
    if (c.group == "gift") words = claim_words("gift");
    const ProductLine* found = nullptr;
    if (c.group == "gift" && facts.product().gifts && facts.product().gifts->empty()) return no_gift(facts);
    if (c.group == "gift") {
      // "送几个刷头": the line that gives something away and names it.
      std::string what = asked_content(q, topics()[2]);
      for (const std::string& w : words)
        for (std::size_t at = what.find(w); at != std::string::npos; at = what.find(w)) what.erase(at, w.size());
      for (const ProductLine& l : facts.lines())
        if (!found && utf8::length(what) >= 2 && any_in(normalize(l.value), words) &&
            shares_bigram(what, normalize(l.value)) && l.label != "商品")
          found = &l;
      if (!found) found = facts.find("赠品");
    }
    for (const ProductLine& l : facts.lines())
      if (!found && any_in(label_words(l.label) + "：" + normalize(l.value), words)) found = &l;
    if (found) {
      d.support = {found->label};
      d.answer = line_answer(*found);
      if (c.group == "gift" && found->label == "赠品")
        if (const ProductLine* promo = facts.find("优惠"); promo && (contains(promo->value, "送") || contains(promo->value, "赠"))) {
          d.support.push_back(promo->label);
          d.answer += trim_sentence_end(brief(promo->value, 120)) + "。";
        }
      // "送安装吗": the gift line exists but says nothing of 安装.
      if (is_yes_no(q)) {
        std::string asked = asked_content(q, topics()[2]);
        for (const std::string& w : claim_words(c.group)) {
          for (std::size_t at = asked.find(w); at != std::string::npos; at = asked.find(w)) asked.erase(at, w.size());
        }
        if (utf8::length(asked) >= 2 && !shares_bigram(asked, normalize(found->label + found->value)) &&
            !contains(normalize(found->value), asked)) {
          d.decline = true;
          d.asked = asked;
          d.answer = "商品信息里没有写" + asked + "哦，" + found->label + "是" + trim_sentence_end(brief(found->value, 120)) + "。";
        }
      }
      return d;
    }
    // Not in the product: say what the nearest line does offer.
    const char* label = c.group == "free_shipping" ? "发货" : c.group == "returns" || c.group == "warranty" ? "售后" : "";
    if (const ProductLine* l = *label ? facts.find(label) : nullptr) {
      d.decline = true;
      d.support = {l->label};
      d.answer = "没有写" + c.text + "哦，" + l->label + "是：" + trim_sentence_end(brief(l->value, 120)) + "。";
      return d;
    }
    if (c.group == "gift") return no_gift(facts);
    return decline_missing(c.group, c.text, c.text);
  }

  // 4b. A number with a unit asked for ("有30W的吗"): offered or declined
  //     with the line that has that unit.
  if (const std::string qty = asked_quantity(q); !qty.empty() && is_yes_no(q)) {
    std::string unit = qty;
    while (!unit.empty() && (is_digit(unit.front()) || unit.front() == '.')) unit.erase(0, 1);
    const ProductLine* same_unit = nullptr;
    for (const ProductLine& l : facts.lines()) {
      const std::string v = normalize(l.value);
      bool same = false;  // the whole number: "2kg" is not in "1.2kg"
      for (std::size_t at = v.find(qty); at != std::string::npos && !same; at = v.find(qty, at + 1))
        same = at == 0 || !(is_digit(v[at - 1]) || v[at - 1] == '.');
      if (same) {
        QaDecision d;
        d.topic = "quantity";
        d.asked = qty;
        d.support = {l.label};
        d.answer = "有的，" + line_answer(l);
        return d;
      }
      if (!same_unit && has_number_with(v, unit)) same_unit = &l;
    }
    QaDecision d;
    d.topic = "quantity";
    d.decline = true;
    d.asked = qty;
    const ProductLine* variants = nullptr;  // "有20寸吗" and sizes written 14英寸
    for (const ProductLine& l : facts.lines())
      if (!variants && l.items.size() >= 2 && l.key.rfind("specs.", 0) == 0) variants = &l;
    if (same_unit) {
      d.support = {same_unit->label};
      d.answer = "没有" + qty + "的哦，" + line_answer(*same_unit);
    } else if (variants) {
      d.support = {variants->label};
      d.answer = "没有" + qty + "哦，目前" + display_label(variants->label) + "有" + brief(variants->value, 120) + "。";
    } else {
      d.answer = "商品信息里没有写" + qty + "哦，具体可以问问客服～";
    }
    return d;
  }

  // 4c. A quantity question: the line with a number in the asked unit,
  //     preferring the topic's own lines, then the one sharing most words.
  std::vector<std::string> units = asked_units(q);
  if (topic_name == "capacity") units = {"ml", "毫升", "l", "升"};  // "容量多大" is not a length
  if (topic_name == "weight" && !units.empty()) units = {"kg", "g", "克", "公斤", "斤"};
  if (!units.empty()) {
    const std::set<std::u32string> grams = without_name(content_bigrams(q), facts);
    // A topic that is not only about amounts ("保质期多久") keeps to its
    // own lines; with none, the topic branch below declines.
    std::vector<const ProductLine*> own;
    const bool restrict = topic && topic_name != "weight" && topic_name != "capacity" && topic_name != "battery";
    if (restrict) {
      own = lines_for(*topic, facts);
      if (own.empty()) own = lines_mentioning(*topic, facts);
    }
    const std::vector<std::string> hint_labels = unit_labels(q);
    const ProductLine* best = nullptr;
    double best_score = 0;
    for (const ProductLine& l : facts.lines()) {
      if (l.label == "价格" || l.label == "原价" || l.label == "库存") continue;
      if (restrict && std::find(own.begin(), own.end(), &l) == own.end()) continue;
      const std::string v = normalize(l.label + " " + l.value);
      bool unit_ok = false;
      for (const std::string& u : units) unit_ok = unit_ok || has_number_with(v, u);
      const double words = overlap(grams, l);
      if (!unit_ok && (words < 1 || l.label == "商品")) continue;
      // Shared words count most ("吸力多大" -> the 吸力 line), then the unit;
      // the name is the last resort.
      double score = 2 * words + (unit_ok ? 1 : 0) + (l.label == "商品" ? -0.5 : 0) +
                     (any_in(label_words(l.label), hint_labels) ? 0.5 : 0) + (says_dimension(q, l) ? 0.75 : 0);
      if (topic && any_in(label_words(l.label), topic->labels)) score += 10;
      if (score > best_score) {
        best_score = score;
        best = &l;
      }
    }
    if (best) {
      QaDecision d;
      d.topic = topic ? topic_name : "quantity";
      d.support = {best->label};
      d.answer = line_answer(*best);
      return d;
    }
  }

  // 4d. A variant asked about by availability ("中型犬有货吗", "枫叶棕还有吗")
  //     that no list holds: declined with the list it would belong to (a
  //     colour-like name: the colours; else the first list of variants).
  if (!variant.empty() && !names_product && is_availability(q) && (!topic || topic_name == "stock")) {
    const ProductLine* list = nullptr;
    const bool colourish = std::u32string_view(U"红黄蓝绿紫粉白黑灰棕橙青金银色").find(utf8::decode(variant).back()) !=
                           std::u32string_view::npos;
    if (colourish) {
      const std::vector<const ProductLine*> colours = lines_for(topics()[3], facts);
      if (!colours.empty()) list = colours.front();
    }
    for (const ProductLine& l : facts.lines())
      if (!list && l.items.size() >= 2 && l.key.rfind("specs.", 0) == 0) list = &l;
    if (list) {
      QaDecision d;
      d.topic = "variant";
      d.decline = true;
      d.asked = variant;
      d.support = {list->label};
      d.answer = "没有" + variant + "哦，目前" + display_label(list->label) + "有" + brief(list->value, 120) + "。";
      return d;
    }
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
    if (lines.empty() && topic_name == "origin")  // "哪里产的": a line naming a place
      for (const ProductLine& l : facts.lines())
        if (l.label != "发货" && !find_places(normalize(l.value)).empty()) {
          lines.push_back(&l);
          break;
        }
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
        // "小孩能用吗" is backed by "适合儿童": the same people in other words.
        for (const std::string& w : with_synonyms(asked))
          for (const ProductLine& l : facts.lines())
            if (contains(normalize(l.value), w)) {
              backed = true;
              lines.insert(lines.begin(), &l);
              d.support = {l.label};
              d.answer = line_answer(l);
              break;
            }
        if (!backed) {
          d.decline = true;
          d.asked = asked;
          d.answer = "商品信息里没有写" + asked + "哦，" + lines.front()->label + "是" +
                     trim_sentence_end(brief(lines.front()->value, 120)) + "。";
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
  const std::set<std::u32string> grams = without_name(content_bigrams(q), facts);
  std::vector<std::string> synonyms;  // other words for the question's words, not the words themselves
  const std::string name = normalize(facts.product().name);
  for (const auto& group : synonym_groups()) {
    bool asked = false;  // a word of the group in the question, and not the product's own noun
    for (const std::string& w : group) asked = asked || (contains(q, w) && !contains(name, w));
    if (asked)
      for (const std::string& w : group)
        if (!contains(q, w)) synonyms.push_back(w);
  }
  const ProductLine* best = nullptr;
  double best_score = 0;
  for (const ProductLine& l : facts.lines()) {
    if (l.label == "类目") continue;
    double s = overlap(grams, l);
    if (any_in(normalize(l.value), synonyms)) s += 1;  // "苹果能用吗" and "iPhone通用"
    if (l.label == "商品") {  // the name only when nothing else says it, and never for a named topic
      if (topic) continue;
      s -= 0.5;
    }
    if (s > best_score) {
      best_score = s;
      best = &l;
    }
  }
  if (best && best_score >= 0.5) {
    QaDecision d;
    d.topic = topic_name.empty() ? best->label : topic_name;
    d.support = {best->label};
    d.answer = line_answer(*best);
    d.score = best_score;
    return d;
  }
  // Weak evidence: one distinctive character of the question in one line
  // ("有谷物吗" and "无谷配方"). Not enough to answer, so the answer says
  // the product does not state it and shows that line for the viewer to judge.
  if (const std::string asked = asked_content(q, topic ? *topic : topics()[0], 1); !asked.empty()) {
    static const std::u32string_view common = U"么点下用能吃穿戴看玩买卖送发到多少大小好不没有是的了吗呢啊";
    const ProductLine* only = nullptr;
    int lines_hit = 0;
    for (const ProductLine& l : facts.lines()) {
      if (l.label == "类目" || l.label == "价格" || l.label == "原价") continue;
      const std::u32string v = utf8::decode(normalize(l.value));
      bool hit = false;
      for (char32_t c : utf8::decode(asked))
        if (c >= 0x4E00 && c <= 0x9FFF && common.find(c) == std::u32string_view::npos && v.find(c) != std::u32string::npos)
          hit = true;
      if (hit) {
        ++lines_hit;
        if (!only || only->label == "商品") only = &l;
      }
    }
    if (lines_hit >= 1 && lines_hit <= 2) {
      QaDecision d;
      d.decline = true;
      d.topic = topic_name.empty() ? only->label : topic_name;
      d.asked = asked;
      d.support = {only->label};
      d.answer = "商品信息里没有直接写" + asked + "哦，相关的是：" + trim_sentence_end(brief(only->value, 120)) + "。";
      return d;
    }
  }
  if (topic_name == "gift") return no_gift(facts);
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
  if (!d.decline) {
    // It must carry the answering line's whole value: every item of a list
    // ("颜色有奶油黄" leaves out 浅粉色 and is not the answer).
    const ProductLine* l = d.support.empty() ? nullptr : facts.find(d.support.front());
    if (!l) return "";
    for (const std::string& item : l->items)
      if (!contains(n, normalize(trim_sentence_end(brief(item, 120))))) return "";
  }
  return filled;
}

}  // namespace app::grounding
