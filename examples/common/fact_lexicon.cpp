#include "common/fact_lexicon.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "common/utf8.hpp"

namespace app::grounding {

namespace {

// Colour words of two or more characters. Single characters are added as
// "X色" below; "X的" only in a viewer's question (find_colours loose).
const std::vector<std::string>& multi_colours() {
  static const std::vector<std::string> words = [] {
    std::vector<std::string> w{
        "米白",   "奶白",   "象牙白", "乳白",     "纯白",   "珍珠白", "月光白", "雪白",   "本白",   "漂白",
        "纯黑",   "曜石黑", "碳黑",   "炭黑",     "黑白",   "玫红",   "大红",   "正红",   "砖红",   "橘红",
        "西瓜红", "中国红", "酒红",   "枣红",     "樱花粉", "粉红",   "藕粉",   "脏粉",   "裸粉",   "天蓝",
        "宝蓝",   "湖蓝",   "深蓝",   "浅蓝",     "蓝灰",   "藏青",   "藏蓝",   "海军蓝", "雾霾蓝", "克莱因蓝",
        "牛仔蓝", "冰川蓝", "军绿",   "墨绿",     "橄榄绿", "薄荷绿", "抹茶绿", "森林绿", "牛油果绿", "浅绿",
        "深绿",   "烟灰",   "深灰",   "浅灰",     "银灰",   "高级灰", "深空灰", "香芋紫", "丁香紫", "浅紫",
        "薰衣草紫", "柠檬黄", "鹅黄", "姜黄",     "芥末黄", "奶黄",   "卡其",   "驼色",   "杏色",   "米色",
        "燕麦色", "咖啡色", "咖色",   "奶茶色",   "焦糖色", "豆沙色", "裸色",   "肤色",   "香槟色", "香槟金",
        "玫瑰金", "巧克力色", "深棕", "浅棕",     "原木色", "胡桃色", "透明色", "星光色", "午夜色", "石墨色",
        "彩色",   "荧光绿", "亮黄",   "桃粉",     "橙红",   "青色",   "金色",   "银色"};
    for (const char* c : {"红", "黑", "白", "蓝", "绿", "黄", "紫", "灰", "粉", "棕", "橙", "橘", "青", "褐"})
      w.push_back(std::string(c) + "色");
    std::sort(w.begin(), w.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    w.erase(std::unique(w.begin(), w.end()), w.end());
    return w;
  }();
  return words;
}

constexpr std::array<const char*, 15> kSingleColours{"红", "黑", "白", "蓝", "绿", "黄", "紫", "灰",
                                                     "粉", "棕", "橙", "橘", "青", "金", "银"};

const std::vector<std::string>& couriers() {
  static const std::vector<std::string> words{"顺丰", "中通", "圆通", "申通", "韵达", "京东物流", "京东快递",
                                              "京东", "邮政", "ems",  "极兔", "德邦", "百世", "天天快递",
                                              "菜鸟", "丰网", "跨越速运"};
  return words;
}

const std::map<std::string, std::vector<std::string>, std::less<>>& claim_groups() {
  static const std::map<std::string, std::vector<std::string>, std::less<>> groups{
      {"free_shipping", {"包邮", "免运费", "运费全免", "免邮"}},
      {"returns", {"无理由", "退换", "退货", "包退", "包换", "运费险", "退款", "可退"}},
      {"gift",
       {"赠品", "赠送", "加赠", "赠", "送你", "送一", "送两", "送个", "买一送", "还送", "再送", "加送", "就送",
        "免费送", "额外送", "附送", "随单送", "礼品", "小样"}},
      {"stock", {"库存", "现货", "仅剩", "只剩", "还剩", "限量", "售罄", "抢光"}},
      {"warranty", {"保修", "质保", "延保", "以旧换新"}},
      {"authentic", {"正品", "官方授权", "假一赔", "专柜"}}};
  return groups;
}

// Where goods ship from or come from: a warehouse city or an origin is a
// fact like any other.
const std::vector<std::string>& places() {
  static const std::vector<std::string> words = [] {
    std::vector<std::string> w{
        "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建",
        "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
        "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门", "杭州", "广州", "深圳", "成都", "武汉",
        "西安", "南京", "苏州", "郑州", "长沙", "东莞", "佛山", "宁波", "青岛", "厦门", "合肥", "济南", "福州",
        "昆明", "沈阳", "大连", "哈尔滨", "长春", "石家庄", "太原", "南昌", "南宁", "贵阳", "兰州", "义乌", "泉州",
        "温州", "无锡", "常州", "嘉兴", "金华", "潍坊", "烟台", "保定", "临沂", "汕头", "中山", "珠海", "惠州",
        "海口", "三亚", "呼和浩特", "乌鲁木齐", "拉萨", "银川", "西宁", "景德镇", "普洱", "五常", "阳澄湖", "赣南",
        "新西兰", "澳洲", "澳大利亚", "日本", "韩国", "法国", "意大利", "美国", "德国", "泰国", "越南", "英国"};
    std::sort(w.begin(), w.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    return w;
  }();
  return words;
}

bool is_ascii_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Occurrences of `words` (longest first) in `s`, each position used once.
std::vector<std::string> find_words(std::string_view s, const std::vector<std::string>& words) {
  std::vector<std::string> found;
  std::vector<bool> used(s.size(), false);
  for (const std::string& w : words) {
    for (std::size_t at = s.find(w); at != std::string_view::npos; at = s.find(w, at + 1)) {
      if (std::any_of(used.begin() + at, used.begin() + at + w.size(), [](bool u) { return u; })) continue;
      std::fill(used.begin() + at, used.begin() + at + w.size(), true);
      found.push_back(w);
    }
  }
  return found;
}

// The maximal runs of ASCII letters and digits (with '.' between digits),
// with their offsets.
struct Token {
  std::size_t at;
  std::string text;
};

std::vector<Token> ascii_tokens(std::string_view s) {
  std::vector<Token> out;
  for (std::size_t i = 0; i < s.size();) {
    if (!is_ascii_alnum(s[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < s.size() && (is_ascii_alnum(s[j]) ||
                            (s[j] == '.' && j > i && is_digit(s[j - 1]) && j + 1 < s.size() && is_digit(s[j + 1]))))
      ++j;
    out.push_back({i, std::string(s.substr(i, j - i))});
    i = j;
  }
  return out;
}

bool followed_by(std::string_view s, std::size_t at, std::string_view what) { return s.substr(at, what.size()) == what; }

}  // namespace

std::string normalize(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t cp : utf8::decode(text)) {
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;
    if (cp == 0x3000) cp = ' ';
    if (cp >= 'A' && cp <= 'Z') cp += 'a' - 'A';
    utf8::append(out, cp);
  }
  return out;
}

const char* span_kind_name(SpanKind kind) {
  switch (kind) {
    case SpanKind::number: return "number";
    case SpanKind::colour: return "colour";
    case SpanKind::size: return "size";
    case SpanKind::courier: return "courier";
    case SpanKind::claim: return "claim";
    case SpanKind::place: return "place";
  }
  return "?";
}

std::string canonical_size(std::string_view t) {
  static const std::array<const char*, 5> plain{"xs", "s", "m", "l", "xl"};
  for (const char* p : plain)
    if (t == p) return std::string(t);
  if (t == "均码" || t == "free" || t == "freesize") return "均码";
  // x..xl / x..xs with 2-6 x's, or the digit form 2xl..6xl.
  if (t.size() >= 3 && (t.back() == 'l' || t.back() == 's')) {
    const std::string_view head = t.substr(0, t.size() - 1);
    if (head.find_first_not_of('x') == std::string_view::npos && head.size() <= 6)
      return std::to_string(head.size()) + "x" + t.back();
    if (head.size() == 2 && head[0] >= '2' && head[0] <= '6' && head[1] == 'x') return std::string(t);
  }
  return "";
}

std::vector<std::string> find_sizes(std::string_view s) {
  std::vector<std::string> out;
  for (const Token& tok : ascii_tokens(s)) {
    const bool all_digits = tok.text.find_first_not_of("0123456789") == std::string::npos;
    if (all_digits) {
      if (followed_by(s, tok.at + tok.text.size(), "码")) out.push_back(tok.text);
      continue;
    }
    if (std::string c = canonical_size(tok.text); !c.empty()) out.push_back(c);
  }
  for (std::size_t at = s.find("均码"); at != std::string_view::npos; at = s.find("均码", at + 1)) out.push_back("均码");
  return out;
}

namespace {

// The value of a run of Chinese numerals (两百五十, 三千, 十二), or -1.
double cn_value(const std::u32string& run) {
  auto digit = [](char32_t c) -> int {
    const std::u32string_view d = U"零一二三四五六七八九";
    if (c == U'两') return 2;
    if (c == U'〇') return 0;
    const std::size_t i = d.find(c);
    return i == std::u32string_view::npos ? -1 : static_cast<int>(i);
  };
  double total = 0, section = 0, current = 0;
  for (char32_t c : run) {
    if (const int v = digit(c); v >= 0) {
      current = v;
    } else if (c == U'十' || c == U'百' || c == U'千') {
      const double unit = c == U'十' ? 10 : c == U'百' ? 100 : 1000;
      section += (current == 0 ? 1 : current) * unit;
      current = 0;
    } else if (c == U'万') {
      total += (section + current) * 10000;
      section = current = 0;
    } else {
      return -1;
    }
  }
  return total + section + current;
}

}  // namespace

// Chinese numerals before a unit or measure word ("两件", "三天", "五百单")
// are numbers too; a lone 一 is an article ("一件好物"), not a quantity.
std::vector<double> find_cn_numbers(std::string_view s) {
  static const std::u32string_view numerals = U"零〇一二两三四五六七八九十百千万";
  static const std::u32string_view units = U"件元块天个月年斤克包片瓶支双套盒袋只条种色位次倍折单小毫升码";
  std::vector<double> out;
  const std::u32string cps = utf8::decode(s);
  for (std::size_t i = 0; i < cps.size();) {
    if (numerals.find(cps[i]) == std::u32string_view::npos) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < cps.size() && numerals.find(cps[j]) != std::u32string_view::npos) ++j;
    const std::u32string run = cps.substr(i, j - i);
    if (j < cps.size() && units.find(cps[j]) != std::u32string_view::npos && run != U"一" && run[0] != U'万')
      if (const double v = cn_value(run); v > 0) out.push_back(v);
    i = j;
  }
  return out;
}

std::vector<double> find_numbers(std::string_view s) {
  std::vector<double> out = find_cn_numbers(s);
  for (const Token& tok : ascii_tokens(s)) {
    if (!canonical_size(tok.text).empty()) continue;
    const std::string& t = tok.text;
    for (std::size_t i = 0; i < t.size();) {
      if (!is_digit(t[i])) {
        ++i;
        continue;
      }
      std::size_t j = i;
      while (j < t.size() && (is_digit(t[j]) || t[j] == '.')) ++j;
      out.push_back(std::strtod(t.substr(i, j - i).c_str(), nullptr));
      i = j;
    }
  }
  return out;
}

std::vector<std::string> find_colours(std::string_view s, bool loose) {
  std::vector<std::string> found = find_words(s, multi_colours());
  if (loose) {
    // "有红的吗", "黑款": a single character with 的/款 after it, where no
    // longer colour word already covers it.
    std::string masked(s);
    for (const std::string& w : found)
      for (std::size_t at = masked.find(w); at != std::string::npos; at = masked.find(w, at + 1))
        std::fill(masked.begin() + at, masked.begin() + at + w.size(), ' ');
    for (const char* c : kSingleColours)
      for (const char* tail : {"的", "款"}) {
        const std::string w = std::string(c) + tail;
        for (std::size_t at = masked.find(w); at != std::string::npos; at = masked.find(w, at + 1)) {
          // Only as a choice ("有红的吗", "要黑款"), not inside a word (口红的).
          const std::u32string before = utf8::decode(masked.substr(0, at));
          if (before.empty() || std::u32string_view(U"有要是买拿选，, 吗").find(before.back()) != std::u32string_view::npos)
            found.push_back(std::string(c) + "色");
        }
      }
  }
  return found;
}

std::string colour_stem(std::string_view colour) {
  const std::string_view se = "色";
  if (colour.size() > se.size() && colour.substr(colour.size() - se.size()) == se)
    return std::string(colour.substr(0, colour.size() - se.size()));
  return std::string(colour);
}

std::vector<std::string> find_couriers(std::string_view s) { return find_words(s, couriers()); }

std::vector<std::string> find_places(std::string_view s) { return find_words(s, places()); }

std::vector<FactSpan> find_claims(std::string_view s) {
  std::vector<FactSpan> out;
  for (const auto& [group, words] : claim_groups()) {
    std::vector<std::string> sorted = words;
    std::sort(sorted.begin(), sorted.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    for (const std::string& w : find_words(s, sorted)) out.push_back({SpanKind::claim, w, group, 0});
  }
  // "送" giving something away ("送收纳袋"), not delivering (配送, 送到).
  const bool gift_found = std::any_of(out.begin(), out.end(), [](const FactSpan& f) { return f.group == "gift"; });
  if (!gift_found) {
    const std::u32string cps = utf8::decode(s);
    const std::u32string_view not_before = U"配运发递护传输欢目接赠";
    const std::u32string_view not_after = U"到达货出回走别行上";
    for (std::size_t i = 0; i < cps.size(); ++i)
      if (cps[i] == U'送' && (i == 0 || not_before.find(cps[i - 1]) == std::u32string_view::npos) &&
          (i + 1 == cps.size() || not_after.find(cps[i + 1]) == std::u32string_view::npos)) {
        out.push_back({SpanKind::claim, "送", "gift", 0});
        break;
      }
  }
  return out;
}

std::vector<std::string> gift_objects(std::string_view s) {
  std::vector<std::string> out;
  const std::u32string cps = utf8::decode(s);
  const std::u32string_view not_before = U"配运发递护传输欢目接";
  const std::u32string_view not_after = U"到达货出回走别行上给人";
  const std::u32string_view skip = U"你您大家一二两三四五六七八九十0123456789个份套张支件瓶盒包只条双款同价值的还再就也";
  for (std::size_t i = 0; i < cps.size(); ++i) {
    if (cps[i] != U'送' && cps[i] != U'赠') continue;
    if (i > 0 && not_before.find(cps[i - 1]) != std::u32string_view::npos) continue;
    std::size_t j = i + 1;
    if (j < cps.size() && cps[j] == U'品') continue;  // 赠品 names the field, not an object
    if (j < cps.size() && not_after.find(cps[j]) != std::u32string_view::npos) continue;
    while (j < cps.size() && skip.find(cps[j]) != std::u32string_view::npos) ++j;
    std::u32string obj;
    while (j < cps.size() && obj.size() < 2 && cps[j] >= 0x4E00 && cps[j] <= 0x9FFF) obj.push_back(cps[j++]);
    if (obj.size() == 2) out.push_back(utf8::encode(obj));
  }
  return out;
}

const std::vector<std::string>& claim_words(std::string_view group) {
  static const std::vector<std::string> none;
  const auto it = claim_groups().find(group);
  return it == claim_groups().end() ? none : it->second;
}

std::vector<FactSpan> find_fact_spans(std::string_view text) {
  const std::string s = normalize(text);
  std::vector<FactSpan> out;
  for (double v : find_numbers(s)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    out.push_back({SpanKind::number, buf, "", v});
  }
  for (std::string& z : find_sizes(s)) out.push_back({SpanKind::size, std::move(z), "", 0});
  for (std::string& c : find_colours(s, false)) out.push_back({SpanKind::colour, std::move(c), "", 0});
  for (std::string& c : find_couriers(s)) out.push_back({SpanKind::courier, std::move(c), "", 0});
  for (FactSpan& c : find_claims(s)) out.push_back(std::move(c));
  for (std::string& c : find_places(s)) out.push_back({SpanKind::place, std::move(c), "", 0});
  return out;
}

}  // namespace app::grounding
