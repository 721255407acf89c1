#include "comment_analysis/rules.hpp"

#include <algorithm>

#include "common/utf8.hpp"

namespace comments {

namespace {

struct Match {
  std::size_t begin, end;  // byte range in the normalised text
  const Cue* cue;
};

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

// True if a 不 / 没 at `at` sits between two equal characters (能不能, 会不会,
// 有没有): the middle of an A-not-A question, not a negation.
bool inside_a_not_a(std::string_view text, std::size_t at) {
  const std::string_view rest = text.substr(at);
  if (rest.rfind("不", 0) != 0 && rest.rfind("没", 0) != 0) return false;
  if (at < 3 || rest.size() < 6) return false;
  return text.substr(at - 3, 3) == rest.substr(3, 3) && static_cast<unsigned char>(text[at - 3]) >= 0xE4;
}

// Every cue occurrence, longest first, overlapping ones dropped: 不错 keeps
// 错 from matching, 没发货 keeps 发货 from counting as a shipping question.
std::vector<Match> match_cues(std::string_view text) {
  std::vector<Match> all;
  for (const Cue& c : cues()) {
    const std::string_view pat = c.text;
    for (std::size_t at = text.find(pat); at != std::string_view::npos; at = text.find(pat, at + 1))
      // 能不能用, 会不会坏: the 不 of an A-not-A question starts no negated cue (不能用).
      if (!inside_a_not_a(text, at)) all.push_back({at, at + pat.size(), &c});
  }
  std::stable_sort(all.begin(), all.end(), [](const Match& a, const Match& b) {
    return a.end - a.begin != b.end - b.begin ? a.end - a.begin > b.end - b.begin : a.begin < b.begin;
  });
  std::vector<Match> kept;
  for (const Match& m : all) {
    const bool overlaps = std::any_of(kept.begin(), kept.end(), [&](const Match& k) { return m.begin < k.end && k.begin < m.end; });
    if (!overlaps) kept.push_back(m);
  }
  std::sort(kept.begin(), kept.end(), [](const Match& a, const Match& b) { return a.begin < b.begin; });
  return kept;
}

// The negator that ends right before `at` (or one character before it:
// 不太好看, 没那么好), "" if none. A negator inside another cue does not count.
std::string_view negator_before(std::string_view text, std::size_t at, const std::vector<Match>& matches) {
  for (const Match& m : matches)
    if (m.end == at && m.cue->intent != kNoIntent) return "";  // 很好用 ... the word before is its own cue
  const std::string_view before = text.substr(0, at);
  std::string_view best;
  for (const char* n : negators())
    if (ends_with(before, n) && std::string_view(n).size() > best.size() &&
        !inside_a_not_a(text, at - std::string_view(n).size()))
      best = n;
  // 别 inside a word (特别喜欢, 区别, 分别, 个别) is no "don't".
  if (best == "别" && before.size() >= 6) {
    const std::string_view prev = before.substr(before.size() - 6, 3);
    for (const char* w : {"特", "区", "分", "个", "级", "类", "差", "告", "识", "性", "派"})
      if (prev == w) best = "";
  }
  if (best.empty() && before.size() >= 3) {
    // One filler character between: 不太 is listed; also 不很, 没那. Not the
    // 不 of 会不会掉色: that asks.
    const std::string_view shorter = before.substr(0, before.size() - 3);
    for (const char* n : {"不", "没"})
      if (ends_with(shorter, n) && !inside_a_not_a(text, shorter.size() - 3)) best = n;
  }
  return best;
}

// Being let down (踩雷, 后悔, 上当, 坑 …): denied (不踩雷, 没后悔) it is praise.
// Refusals by the seller (不退款, 不回, 不处理) are listed cues of their own.
bool let_down(std::string_view cue) {
  for (const char* w : {"踩雷", "后悔", "失望", "上当", "翻车", "坑", "坑人", "智商税", "假货", "假的", "骗", "套路", "差评",
                        "劣质", "次品", "三无"})
    if (cue == w) return true;
  return false;
}

// A rhetorical question is a complaint, not a question: 怎么又起球了, 为什么还不发.
bool rhetorical(std::string_view text) {
  for (const char* r : {"怎么又", "咋又", "怎么还", "咋还", "为什么", "为啥", "凭什么", "怎么回事", "什么情况", "搞什么", "谁买", "谁会买", "谁敢买", "谁懂",
                        "谁信"})
    if (contains(text, r)) return true;
  return false;
}

// Position `at` is between a pair of quotes: "宠粉", "良心" said with a wink.
bool quoted(std::string_view text, std::size_t begin, std::size_t end) {
  const auto before = std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(begin), '"');
  const auto after = std::count(text.begin() + static_cast<std::ptrdiff_t>(end), text.end(), '"');
  return before % 2 == 1 && after >= 1;
}

// 又……了 around a rise or a problem: 又涨价了, 又没货了, 又卡了.
bool again_pattern(std::string_view text) {
  const std::size_t you = text.find("又");
  if (you == std::string_view::npos) return false;
  const std::size_t le = text.find("了", you);
  return le != std::string_view::npos && le - you <= 7 * 3;
}

// Verb + 不 + result (打不开, 充不进电, 用不了): it does not work. Fixed
// phrases that only look like it (买不起, 抢不到, 舍不得, 差不多) are not.
bool cannot_work(std::string_view text) {
  static const char* verbs[] = {"用", "充", "打", "开", "穿", "拉", "洗", "扣", "装", "插", "连", "关", "启", "拧",
                                "合", "扫", "吹", "亮", "转", "戴", "折", "放", "拔", "按", "刷", "登", "蓝牙"};
  static const char* results[] = {"了", "进", "开", "通", "上", "动", "掉", "住", "出", "起来", "亮", "响", "稳", "干净", "紧"};
  for (const char* v : verbs)
    for (const char* r : results) {
      const std::string pat = std::string(v) + "不" + r;
      if (text.find(pat) != std::string_view::npos) return true;
    }
  return false;
}

// A Chinese numeral character at the start of `s` (一 ... 十, 百, 千, 两).
bool cn_numeral_at(std::string_view s) {
  for (const char* n : {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "百", "千", "两"})
    if (s.rfind(n, 0) == 0) return true;
  return false;
}

// Nothing but emoji, punctuation and spaces (🐶🐶, ？？？, ...): no letter,
// digit or CJK character.
bool symbols_only(std::string_view norm) {
  if (norm.empty()) return false;
  for (char32_t cp : app::utf8::decode(norm)) {
    if (cp < 0x80 && ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z'))) return false;
    if (cp >= 0x3400 && cp <= 0x9FFF) return false;
  }
  return true;
}

// A clothing size on its own (170穿m还是l, 要xl, 2xl有吗): s, m, l, xs, xl, xxl,
// 2xl ... between non-letters; "ml" and "mah" are units, not sizes.
bool size_token(std::string_view norm) {
  std::size_t i = 0;
  while (i < norm.size()) {
    if (!(norm[i] >= 'a' && norm[i] <= 'z')) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < norm.size() && norm[j] >= 'a' && norm[j] <= 'z') ++j;
    std::string_view word = norm.substr(i, j - i);
    for (const char* sz : {"s", "m", "l", "xs", "xl", "xxl", "xxxl"})
      if (word == sz) return true;
    i = j;
  }
  return false;
}

// Provinces and big cities: 有广东的吗 is a roll call of viewers, not a product question.
bool names_a_place(std::string_view norm) {
  for (const char* p : {"北京", "上海", "天津", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽",
                        "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "四川", "贵州", "云南",
                        "陕西", "甘肃", "青海", "内蒙", "宁夏", "东北", "广州", "深圳", "杭州", "成都", "武汉", "南京",
                        "西安", "长沙", "苏州", "郑州", "老乡", "同城", "本地"})
    if (contains(norm, p)) return true;
  return false;
}

double strength_of(double best, double second) {
  const double margin = best - 0.5 * second;
  if (margin <= 0) return 0;
  return std::min(0.95, margin / (margin + 0.7));
}

}  // namespace

// A-不-A (好不好, 累不累, 贵不贵): a yes-no question without a particle.
bool a_not_a(std::string_view norm) {
  const std::u32string cps = app::utf8::decode(norm);
  for (std::size_t i = 1; i + 1 < cps.size(); ++i)
    if ((cps[i] == U'不' || cps[i] == U'没') && cps[i - 1] == cps[i + 1] && cps[i - 1] >= 0x4E00) return true;
  return false;
}

bool is_question_text(std::string_view norm) {
  if (a_not_a(norm)) return true;
  // A trailing 不 / 没 asks too: 能便宜不, 有券没.
  std::string_view t = norm;
  while (!t.empty() && (t.back() == ' ' || t.back() == '!' || t.back() == '.' || t.back() == '~')) t.remove_suffix(1);
  if (ends_with(t, "不") || ends_with(t, "没")) return true;
  for (const char* q : question_cues()) {
    const std::string_view cue = q;
    if (cue == "么") {
      // 么 asks only at the end (好用么); 这么 / 那么 / 怎么 are not it.
      const std::size_t at = norm.rfind(cue);
      if (at == std::string_view::npos) continue;
      const std::string_view before = norm.substr(0, at);
      if (ends_with(before, "这") || ends_with(before, "那") || ends_with(before, "什")) continue;
      if (ends_with(before, "怎")) return true;
      const std::string_view rest = norm.substr(at + cue.size());
      if (rest.empty() || rest[0] == ' ' || rest[0] == '?' || rest[0] == '!' || rest[0] == '.' || rest[0] == ',') return true;
      continue;
    }
    if (contains(norm, cue)) return true;
  }
  return false;
}

RuleResult apply_rules(std::string_view norm) {
  RuleResult r;
  r.question = is_question_text(norm);
  const bool asks = r.question && !rhetorical(norm);
  const std::vector<Match> matches = match_cues(norm);

  bool has_problem = false;  // a rise, defect or grievance: what sarcasm is about
  for (const Match& m : matches)
    if (m.cue->kind & (kRise | kDefect | kGrievance)) has_problem = true;
  bool marker = false;
  for (const char* s : sarcasm_markers())
    if (contains(norm, s)) marker = true;
  // 卖 + an amount (一个杯子卖两百, 卖199): what it costs, the target of sarcasm.
  if (const std::size_t mai = norm.find("卖"); mai != std::string_view::npos) {
    const std::string_view after = norm.substr(mai + 3);
    if (!after.empty() && ((after[0] >= '0' && after[0] <= '9') || cn_numeral_at(after))) has_problem = true;
  }
  bool quoted_praise = false;
  for (const Match& m : matches)
    if (m.cue->sentiment == kPositive && quoted(norm, m.begin, m.end)) quoted_praise = true;
  r.sarcastic = quoted_praise || (marker && (has_problem || again_pattern(norm)));

  for (const Match& m : matches) {
    const Cue& c = *m.cue;
    int intent = c.intent, sentiment = c.sentiment;
    double iw = c.intent_w, sw = c.sentiment_w;
    std::string hit = c.text;
    if ((c.kind & kDefect) && !(c.kind & kGrievance)) {
      // 不掉色, 没有色差, 无异味: a defect denied is a good word about the product.
      if (const std::string_view neg = negator_before(norm, m.begin, matches); !neg.empty()) {
        r.negated = true;
        r.intent[kPraise] += 0.7;
        r.sentiment[kPositive] += 1;
        r.hits.push_back(std::string(neg) + "+" + c.text);
        continue;
      }
    }
    // 不踩雷, 没后悔, 从不坑人: a let-down denied is a good word about the product.
    if ((c.kind & kGrievance) && !(c.kind & kRise) && let_down(c.text)) {
      if (const std::string_view neg = negator_before(norm, m.begin, matches); !neg.empty() && neg != "别") {
        r.negated = true;
        r.intent[kPraise] += 2;
        r.sentiment[kPositive] += 1.5;
        r.hits.push_back(std::string(neg) + "+" + c.text);
        continue;
      }
    }
    if (c.kind & kEvaluative) {
      if (const std::string_view neg = negator_before(norm, m.begin, matches); !neg.empty()) {
        r.negated = true;
        hit = std::string(neg) + "+" + hit;
        if (sentiment == kPositive) {
          // 不好看, 不好用, 不便宜: a bad opinion; of the product itself a complaint.
          sentiment = kNegative;
          if (intent == kPraise) intent = kComplaint, iw = 1.0;
        } else if (sentiment == kNegative) {
          // 不贵, 不难看: the problem is denied; the topic stays.
          sentiment = kPositive, sw *= 0.7;
          if (intent == kComplaint) intent = kPraise, iw = 0.7;
        }
      }
    }
    // A defect followed by 了 has happened (漏液了 怎么处理): a complaint even when asked.
    const bool happened = norm.substr(m.end).rfind("了", 0) == 0;
    if (asks && (c.kind & kDefect) && !(c.kind & kGrievance) && !happened) {
      // 会掉色吗 / 起球吗: asks about the product, no problem reported yet.
      intent = kSpec, sentiment = kNeutral, sw = 0.5;
      hit += "?";
    } else if (asks && (c.kind & kEvaluative)) {
      // 好用吗, 质量好不好, 贵吗: a question about a quality, no opinion given.
      if (intent == kPraise || intent == kComplaint) intent = kSpec, iw *= 0.8;
      sentiment = kNeutral, sw = 0.5;
      hit += "?";
    }
    if (r.sarcastic && sentiment == kPositive && !(c.intent == kPurchase)) {
      sentiment = kNegative;
      if (intent == kPraise || intent == kPrice || intent == kOther) intent = kComplaint;
      hit = "sarcasm:" + hit;
    }
    if (intent != kNoIntent) r.intent[static_cast<std::size_t>(intent)] += iw;
    if (sentiment != kNoSentiment) r.sentiment[static_cast<std::size_t>(sentiment)] += sw;
    r.hits.push_back(std::move(hit));
  }
  // "1", "11", "111": 扣1, the live-room way to say "I want one".
  if (!norm.empty() && norm.find_first_not_of('1') == std::string_view::npos && norm.size() <= 6) {
    r.intent[kPurchase] += 2;
    r.hits.push_back("1");
  }
  // A number with a money unit is a price (199米, 99r, 50块, 九块九); 1米8 is a height.
  for (std::size_t i = 0; i + 1 < norm.size(); ++i) {
    const bool digit = norm[i] >= '0' && norm[i] <= '9';
    const std::string_view here = norm.substr(i);
    const bool hanzi = cn_numeral_at(here);
    if (!digit && !hanzi) continue;
    const std::string_view rest = norm.substr(i + (digit ? 1 : 3));
    if (rest.empty()) continue;
    const bool money = rest.rfind("米", 0) == 0 || rest.rfind("元", 0) == 0 || rest.rfind("块", 0) == 0 ||
                       rest.rfind("r", 0) == 0 || rest.rfind("w", 0) == 0;
    if (!money) continue;
    const std::size_t unit = rest[0] == 'r' || rest[0] == 'w' ? 1 : 3;
    if (hanzi && unit == 1) continue;  // 五w? not a price spelling
    if (hanzi && rest.rfind("块", 0) == 0) {
      // 一块 is also "a piece" (凹进去一块): money only as 块钱, 九块九, 二十块.
      const std::string_view after = rest.substr(3);
      const bool money_next = after.rfind("钱", 0) == 0 || cn_numeral_at(after);
      const bool numeral_before = i >= 3 && cn_numeral_at(norm.substr(i - 3));
      if (!money_next && !numeral_before) continue;
    }
    const bool then_digit = rest.size() > unit && rest[unit] >= '0' && rest[unit] <= '9';
    const bool then_letter = rest.size() > unit && rest[unit] >= 'a' && rest[unit] <= 'z';
    if (then_digit || then_letter) continue;
    r.intent[kPrice] += 1.5;
    r.hits.push_back("number+money");
    break;
  }
  // 买二送一, 买3送1: a deal, a price question or statement.
  if (const std::size_t mai = norm.find("买"); mai != std::string_view::npos) {
    const std::string_view after = norm.substr(mai + 3);
    const bool num = !after.empty() && ((after[0] >= '0' && after[0] <= '9') || cn_numeral_at(after));
    const std::size_t song = after.find("送");
    if (num && song != std::string_view::npos && song <= 3) {
      r.intent[kPrice] += 2;
      r.hits.push_back("buy n get m");
    }
  }
  // Waiting counted out (五天了, 3天了, 两周了, 一个月了) is a grievance.
  for (const char* unit : {"天了", "周了", "个月了", "多月了", "星期了", "小时了", "天还", "周还", "个月还", "星期还"}) {
    const std::size_t at = norm.find(unit);
    if (at == std::string_view::npos || at == 0) continue;
    const std::string_view before = norm.substr(0, at);
    const bool counted = (before.back() >= '0' && before.back() <= '9') ||
                         (before.size() >= 3 && (cn_numeral_at(before.substr(before.size() - 3)) ||
                                                 before.substr(before.size() - 3) == "几" ||
                                                 before.substr(before.size() - 3) == "好" ||
                                                 before.substr(before.size() - 3) == "个"));
    // 用了一个月了 / 穿了两年了: how long it has been used, not a wait.
    std::string_view lead = before;
    while (!lead.empty() && ((lead.back() >= '0' && lead.back() <= '9') || lead.back() == ' ')) lead.remove_suffix(1);
    while (lead.size() >= 3 && (cn_numeral_at(lead.substr(lead.size() - 3)) || lead.substr(lead.size() - 3) == "几" ||
                                lead.substr(lead.size() - 3) == "好" || lead.substr(lead.size() - 3) == "个" ||
                                lead.substr(lead.size() - 3) == "多"))
      lead.remove_suffix(3);
    bool used = false;
    for (const char* v : {"用了", "穿了", "吃了", "戴了", "喝了", "涂了", "用", "穿", "吃", "戴", "坚持", "回购"})
      if (ends_with(lead, v)) used = true;
    if (counted && !used) {
      r.intent[kComplaint] += 1.5;
      r.sentiment[kNegative] += 1;
      r.hits.push_back("waited");
      break;
    }
  }
  // V不C (充不进电, 打不开, 用不了, 拉不上): it does not work, a defect.
  if (cannot_work(norm) && !r.question) {
    r.intent[kComplaint] += 2;
    r.sentiment[kNegative] += 1.5;
    r.hits.push_back("cannot");
  }
  // Said after getting it (收到, 买回来, 用了, 穿着 …) with a bad word: a
  // reported problem, however it is phrased.
  bool experienced = false;
  for (const char* e : {"收到", "买回来", "买回家", "到手", "用了", "用着", "穿了", "穿着", "吃了", "吃着", "拆开", "打开",
                        "洗了", "洗完", "上脚", "戴了", "涂了", "喝了"})
    if (contains(norm, e)) experienced = true;
  if (experienced && r.sentiment[kNegative] > 0 && r.intent[kComplaint] > 0 && !asks) {
    r.intent[kComplaint] += 1;
    r.hits.push_back("experienced");
  }
  // 上次/之前 …… 才 N: it was cheaper before, a price grievance.
  for (const char* before : {"上次", "上回", "之前", "昨天", "前天", "前几天", "以前", "上周", "上个月", "刚才", "早上", "去年", "平时"}) {
    const std::size_t at = norm.find(before);
    if (at == std::string_view::npos) continue;
    // 上次才99, 昨天还99 今天就129, 之前只要59.
    std::size_t cai = std::string_view::npos, len = 3;
    for (const char* w : {"才", "还", "只要", "只卖", "只有"})
      if (const std::size_t f = norm.find(w, at); f != std::string_view::npos && f < cai) cai = f, len = std::string_view(w).size();
    if (cai == std::string_view::npos) continue;
    const std::string_view next = norm.substr(cai + len);
    if (!next.empty() && ((next[0] >= '0' && next[0] <= '9') || cn_numeral_at(next))) {
      r.intent[kComplaint] += 1.5;
      r.sentiment[kNegative] += 1;
      r.hits.push_back("cheaper before");
      break;
    }
  }
  // 比……贵 / 比……还高 / 比上次差: paying more, or getting worse, than before or elsewhere.
  if (const std::size_t bi = norm.find("比"); bi != std::string_view::npos) {
    const std::string_view after = norm.substr(bi);
    if (contains(after, "贵") || contains(after, "还高") || contains(after, "高了") ||
        (contains(after, "差") && !contains(after, "差不多"))) {
      r.intent[kComplaint] += 1.5;
      r.sentiment[kNegative] += 1;
      r.hits.push_back("dearer than");
    }
  }
  // 又……了 with a bad word: the same problem again.
  if (again_pattern(norm) && r.sentiment[kNegative] > 0) {
    r.intent[kComplaint] += 1;
    r.hits.push_back("again");
  }
  if (r.sarcastic) {
    r.intent[kComplaint] += 2;
    r.sentiment[kNegative] += 2;
    r.hits.push_back("sarcasm");
  }
  if (contains(norm, "呵呵")) r.sentiment[kNegative] += 1.5;

  // Good words about the host (主播今天穿的好好看), with no product in view,
  // are chat about the stream rather than product praise.
  // Only looks: good words about how the host sells (讲得好, 专业) are praise.
  const bool about_host = contains(norm, "主播") || contains(norm, "背景");
  bool product_in_view = false, looks = false;
  for (const char* d : {"这个", "这款", "这件", "这条", "衣服", "裙子", "质量", "效果", "东西", "产品", "推荐"})
    if (contains(norm, d)) product_in_view = true;
  for (const char* w : {"好看", "漂亮", "美", "可爱", "帅", "甜", "颜值"})
    if (contains(norm, w)) looks = true;
  if (about_host && looks && !product_in_view && r.intent[kPraise] > 0 && r.intent[kComplaint] == 0) {
    r.intent[kOther] += r.intent[kPraise] + 0.5;
    r.intent[kPraise] = 0;
    r.hits.push_back("host");
  }

  // A clothing size on its own (170穿m还是l) is a size question or choice.
  if (size_token(norm)) {
    r.intent[kSpec] += 1.5;
    r.hits.push_back("size");
  }
  // 给主播点赞, 给你们点赞: a like given to someone is praise of them.
  if (const std::size_t gei = norm.find("给"); gei != std::string_view::npos && norm.find("赞", gei) != std::string_view::npos) {
    r.intent[kPraise] += 2;
    r.sentiment[kPositive] += 1.5;
    r.hits.push_back("give a like");
  }
  // A question that ends on the verb 发 (从哪个城市发, 今天能发) asks about shipping.
  {
    std::string_view t = norm;
    while (!t.empty() && (t.back() == '?' || t.back() == ' ' || t.back() == '!' || t.back() == '.')) t.remove_suffix(1);
    for (const char* p : {"啊", "呀", "呢", "吗", "不", "么"})
      if (ends_with(t, p)) t.remove_suffix(3);
    if (r.question && ends_with(t, "发")) {
      r.intent[kShipping] += 1.5;
      r.hits.push_back("ships?");
    }
  }
  // Asking the other viewers (大家都买了吗, 你们都买了啥) is chat, not a purchase.
  if (r.question && (contains(norm, "大家") || contains(norm, "你们")) && r.intent[kPurchase] > 0 &&
      r.intent[kPrice] + r.intent[kSpec] + r.intent[kShipping] + r.intent[kComplaint] == 0) {
    r.intent[kOther] += r.intent[kPurchase] + 0.5;
    r.intent[kPurchase] = 0;
    r.sentiment[kPositive] = 0;
    r.hits.push_back("asks viewers");
  }
  // An order names its variant (已拍 黑色L, 我要白色m码): the colour or size is
  // part of the purchase, not a question about it.
  if (!r.question && r.intent[kPurchase] >= 1.5 && r.intent[kSpec] > 0 && r.intent[kComplaint] == 0) {
    r.intent[kSpec] = 0;
    r.hits.push_back("ordered variant");
  }
  // A good word about a named attribute (这个颜色好高级, 面料摸着很舒服) praises
  // it: the attribute is the topic, the praise the intent. Asked, it stays a spec question.
  if (!r.question && r.intent[kPraise] > 0 && r.intent[kSpec] > 0 && r.intent[kComplaint] == 0 &&
      r.sentiment[kPositive] > r.sentiment[kNegative]) {
    r.intent[kPraise] += r.intent[kSpec];
    r.intent[kSpec] = 0;
    r.hits.push_back("praised attribute");
  }
  // Nothing but emoji or punctuation (🐶🐶, ？？？): chat; neutral unless an emoji cue says otherwise.
  if (symbols_only(norm) && r.intent[kPraise] == 0) {
    r.intent[kOther] += 2;
    if (r.sentiment[kPositive] + r.sentiment[kNegative] == 0) r.sentiment[kNeutral] += 2;
    r.hits.push_back("symbols");
  }

  // Intent: complaint first once it has real evidence (it matters most to
  // the host); otherwise the strongest, with complaint counted half again.
  std::array<double, kRuleIntents> ranked = r.intent;
  ranked[kComplaint] *= 1.5;
  const auto order = [](const std::array<double, kRuleIntents>& a) {
    std::array<std::size_t, kRuleIntents> idx{};
    for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    std::stable_sort(idx.begin(), idx.end(), [&](std::size_t x, std::size_t y) { return a[x] > a[y]; });
    return idx;
  };
  auto idx = order(ranked);
  if (r.intent[kComplaint] >= 1.5 && idx[0] != kComplaint) {
    // A clear complaint cue wins over any topic: 比超市贵了十块 is a grievance first.
    std::rotate(idx.begin(), std::find(idx.begin(), idx.end(), std::size_t{kComplaint}),
                std::find(idx.begin(), idx.end(), std::size_t{kComplaint}) + 1);
  }
  if (ranked[idx[0]] > 0) {
    r.best_intent = static_cast<int>(idx[0]);
    r.intent_strength = strength_of(ranked[idx[0]], ranked[idx[1]]);
    if (r.best_intent == kComplaint && r.intent[kComplaint] >= 1.5) r.intent_strength = std::max(r.intent_strength, 0.9);
  } else if (!r.question && !(contains(norm, "还是") && norm.rfind("还是", 0) != 0 && !ends_with(norm, "了"))) {
    // No cue at all: most such statements are chat; a vote the model
    // overrules only when it is very sure (p > 0.85).
    r.intent[kOther] = 0.6;
    r.best_intent = kOther;
    r.intent_strength = strength_of(0.6, 0);
  } else {
    // A question with no cue asks about the product (能用多久, 有什么区别;
    // a choice, 高腰还是中腰, asks too)
    // unless it is about people (主播, 大家, 谁, 有…的吗 roll calls).
    bool people = false;
    for (const char* w : {"主播", "大家", "谁", "有人", "人吗", "的人", "同城", "你们", "播", "睡", "下班", "天气", "姐妹",
                          "宝妈", "小姐姐", "小哥哥", "助理", "名字", "吃饭", "吃什么", "吃啥", "晚饭", "午饭", "多人", "人多"})
      if (contains(norm, w)) people = true;
    if (names_a_place(norm)) people = true;
    const int guess = people ? kOther : kSpec;
    r.intent[static_cast<std::size_t>(guess)] = 1.0;
    r.best_intent = guess;
    r.intent_strength = strength_of(1.0, 0);
    r.hits.push_back(people ? "question:people" : "question:product");
  }

  // Sentiment: the cues; without any, what the intent implies.
  double total = r.sentiment[0] + r.sentiment[1] + r.sentiment[2];
  if (total == 0) {
    if (r.best_intent == kComplaint) r.sentiment[kNegative] = 1.5;
    else if (r.best_intent == kPraise) r.sentiment[kPositive] = 1.5;
    // No opinion word: a question or a plain statement about the product
    // is neutral; a comment with no cue at all is left to the model.
    else r.sentiment[kNeutral] = r.question ? 1.0 : r.intent[static_cast<std::size_t>(r.best_intent)] >= 1 ? 0.8 : 0.4;
  } else if (r.question && r.sentiment[kNegative] == 0 && r.sentiment[kPositive] <= 1) {
    r.sentiment[kNeutral] += 1;  // a plain question with a faint positive hint (买了能改地址吗) is neutral
  }
  if (r.best_intent == kComplaint && r.intent[kComplaint] >= 1.5) r.sentiment[kNegative] += 1;
  std::size_t sbest = 0;
  for (std::size_t s = 1; s < kRuleSentiments; ++s)
    if (r.sentiment[s] > r.sentiment[sbest]) sbest = s;
  double ssecond = 0;
  for (std::size_t s = 0; s < kRuleSentiments; ++s)
    if (s != sbest) ssecond = std::max(ssecond, r.sentiment[s]);
  r.best_sentiment = static_cast<int>(sbest);
  r.sentiment_strength = strength_of(r.sentiment[sbest], ssecond);
  return r;
}

}  // namespace comments
