#include "comment_analysis/normalize.hpp"

#include <unordered_map>

#include "common/utf8.hpp"

namespace comments {

namespace {

// Traditional -> simplified pairs for characters common in live-stream
// comments (shopping, delivery, feelings, chat). Not a full conversion:
// the rare rest passes through, and the lexicons are written simplified.
constexpr std::u32string_view kTradSimp =
    U"們们這这個个價价錢钱發发貨货買买賣卖東东產产還还會会嗎吗麼么樣样說说話话顏颜號号質质碼码寶宝貝贝"
    U"愛爱讓让氣气點点後后來来對对開开關关時时間间問问題题現现實实種种單单線线運运費费郵邮遞递壞坏騙骗"
    U"賠赔換换貴贵優优紅红藍蓝綠绿黃黄長长無无沒没適适膚肤護护讚赞廣广謝谢親亲鏈链庫库補补給给歡欢樂乐"
    U"務务聯联繫系與与為为從从兩两幾几帶带紙纸張张條条塊块裝装褲裤襪袜圍围輕轻顯显貼贴動动體体驗验認认"
    U"識识請请極极術术態态隨随總总結结應应該该彈弹網网頁页車车幫帮錯错誤误過过邊边麵面衛卫標标準准確确"
    U"歲岁聽听講讲選选擇择將将專专業业機机電电視视漲涨場场戶户賬账達达較较髮发讀读師师慣惯灣湾團团圓圆"
    U"訂订單单聲声腦脑雙双壓压軟软舊旧換换雜杂醫医藥药夠够邊边劃划處处難难"
    U"騷骚誰谁讓让幣币號号碼码驚惊喪丧討讨厭厌穩稳積积絲丝廠厂黴霉髒脏聞闻鮮鲜飾饰";

const std::unordered_map<char32_t, char32_t>& trad_table() {
  static const std::unordered_map<char32_t, char32_t> table = [] {
    std::unordered_map<char32_t, char32_t> t;
    for (std::size_t i = 0; i + 1 < kTradSimp.size(); i += 2)
      if (kTradSimp[i] >= 0x3400 && kTradSimp[i + 1] >= 0x3400) t.emplace(kTradSimp[i], kTradSimp[i + 1]);
    return t;
  }();
  return table;
}

// Chinese and typographic punctuation -> the ASCII the lexicons use.
char32_t ascii_punct(char32_t cp) {
  switch (cp) {
    case U'，': case U'、': return ',';
    case U'。': return '.';
    case U'…': return '.';
    case U'“': case U'”': case U'「': case U'」': case U'『': case U'』': case U'《': case U'》': return '"';
    case U'‘': case U'’': return '\'';
    case U'～': case U'〜': return '~';
    case U'【': return '[';
    case U'】': return ']';
    default: return cp;
  }
}

bool is_digit(char32_t cp) { return cp >= '0' && cp <= '9'; }

}  // namespace

char32_t to_simplified(char32_t cp) {
  const auto& t = trad_table();
  const auto it = t.find(cp);
  return it == t.end() ? cp : it->second;
}

std::string normalize(std::string_view text) {
  std::u32string mapped;
  for (char32_t cp : app::utf8::decode(text)) {
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;  // full-width ASCII
    if (cp == 0x3000 || cp < 0x20 || cp == 0x7F || app::utf8::is_space(cp)) cp = ' ';
    if (cp >= 'A' && cp <= 'Z') cp = cp - 'A' + 'a';
    if ((cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0x200D) continue;  // variation selectors, joiners
    cp = ascii_punct(to_simplified(cp));
    mapped += cp;
  }
  // Collapse runs: punctuation, emoji and spaces to one, other characters
  // (letters, CJK) to two, digits never.
  std::u32string out;
  std::size_t run = 0;
  for (char32_t cp : mapped) {
    run = (!out.empty() && out.back() == cp) ? run + 1 : 1;
    if (is_digit(cp)) {
      out += cp;
      continue;
    }
    const std::size_t keep = app::utf8::is_punctuation_or_symbol(cp) ? 1 : 2;
    if (run <= keep) out += cp;
  }
  // Trim spaces at the ends.
  std::size_t b = 0, e = out.size();
  while (b < e && out[b] == ' ') ++b;
  while (e > b && out[e - 1] == ' ') --e;
  return app::utf8::encode(std::u32string_view(out).substr(b, e - b));
}

}  // namespace comments
