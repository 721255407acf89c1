#include "comment_analysis/spam.hpp"

#include "common/utf8.hpp"

namespace comments {

namespace {

bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_id_char(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || c == '_' || c == '-'; }

// The longest run of ASCII digits (spaces and dashes inside count, as in
// "138 1234 5678").
std::size_t longest_digit_run(std::string_view s) {
  std::size_t best = 0, run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (is_digit(s[i])) ++run;
    else if ((s[i] == ' ' || s[i] == '-') && run > 0 && i + 1 < s.size() && is_digit(s[i + 1])) continue;
    else run = 0;
    best = std::max(best, run);
  }
  return best;
}

// An id of 5+ letters/digits (with at least one digit) starting within a
// few bytes after `at`: "vx abc12345", "加v:wx_8888".
bool id_after(std::string_view s, std::size_t at) {
  std::size_t i = at;
  for (std::size_t skipped = 0; i < s.size() && !is_id_char(s[i]) && skipped < 9; ++i, ++skipped) {
  }
  std::size_t len = 0, digits = 0;
  for (; i < s.size() && is_id_char(s[i]); ++i, ++len) digits += is_digit(s[i]);
  return len >= 5 && digits >= 1;
}

// A bare domain (quan-da.cn, juhuiquan.top, m.tb.cn/abc): a name of letters,
// digits and dashes, a dot, and a known top-level domain not followed by a
// letter. normalize() cuts "www" to "ww", so the scheme and www are not needed.
bool has_domain(std::string_view s) {
  static const char* tlds[] = {"com", "cn", "net", "org", "top", "xyz", "cc", "vip", "shop", "co", "io", "me", "info",
                               "link", "site", "club", "tv", "wang", "ink", "fun", "store", "online", "ltd", "hk"};
  for (std::size_t dot = s.find('.'); dot != std::string_view::npos; dot = s.find('.', dot + 1)) {
    std::size_t b = dot;
    while (b > 0 && (is_id_char(s[b - 1]) || s[b - 1] == '.')) --b;
    std::size_t letters = 0;
    for (std::size_t i = b; i < dot; ++i) letters += s[i] >= 'a' && s[i] <= 'z';
    if (letters < 2) continue;  // 9.9, 1.5l: numbers, not names
    std::size_t e = dot + 1;
    while (e < s.size() && s[e] >= 'a' && s[e] <= 'z') ++e;
    const std::string_view tld = s.substr(dot + 1, e - dot - 1);
    for (const char* t : tlds)
      if (tld == t) return true;
  }
  return false;
}

// An explicit id label with a number or code after it: "ID:90417", "id 66290", "编号 8823".
bool labelled_id(std::string_view s) {
  for (const char* label : {"id", "编号", "口令", "暗号"}) {
    const std::string_view l = label;
    for (std::size_t at = s.find(l); at != std::string_view::npos; at = s.find(l, at + 1)) {
      if (l == "id" && at > 0 && s[at - 1] >= 'a' && s[at - 1] <= 'z') continue;  // a word such as "said"
      std::size_t i = at + l.size();
      while (i < s.size() && (s[i] == ':' || s[i] == ' ' || s[i] == '#' || s[i] == '=')) ++i;
      std::size_t len = 0, digits = 0;
      for (; i < s.size() && is_id_char(s[i]); ++i, ++len) digits += is_digit(s[i]);
      if (len >= 4 && digits >= 4) return true;
    }
  }
  return false;
}

}  // namespace

std::string ad_reason(std::string_view norm) {
  for (const char* u : {"http", "www.", ".com", ".cn/", ".net", "://", "t.cn"})
    if (contains(norm, u)) return "url";
  if (has_domain(norm)) return "url";
  // Contact markers followed by an id.
  for (const char* m : {"vx", "wx", "v信", "微信", "威信", "薇信", "薇", "加v", "+v", "加微", "扣扣", "qq", "企鹅", "加我",
                        "私聊", "私信", "联系"}) {
    const std::string_view mk = m;
    for (std::size_t at = norm.find(mk); at != std::string_view::npos; at = norm.find(mk, at + 1))
      if (id_after(norm, at + mk.size())) return "contact";
  }
  if (labelled_id(norm)) return "contact";
  // A phone or QQ number: 7 or more digits in a row (prices and 10000mah are shorter).
  if (longest_digit_run(norm) >= 7) return "contact";
  for (const char* p : {"兼职", "日赚", "日入", "刷单", "招代理", "代理加盟", "免费领取", "加群", "进群", "看我主页", "点我头像",
                        "主页有惊喜", "躺赚", "返利群", "互粉", "互关", "引流", "低价出售", "私我", "看头像",
                        // Come to me privately for a coupon or a gift: the ad's own offer.
                        "私信领", "私信我", "需要的私", "有意私", "代运营", "涨粉", "刷粉", "刷赞",
                        // Sent elsewhere to buy (快手搜 9527好物), buy-back offers, perks behind the avatar.
                        "快手搜", "淘宝搜", "抖音搜", "拼多多搜", "小红书搜", "闲鱼搜", "高价回收", "低价回收", "回收二手",
                        "头像有", "群号", "日结", "看主页", "私聊领", "私信找我", "私信免费", "私信送", "找我领", "加我领"})
    if (contains(norm, p)) return "ad phrase";
  return "";
}

bool ad_hint(std::string_view norm) {
  if (longest_digit_run(norm) >= 5) return true;
  for (std::size_t i = 0; i < norm.size(); ++i)
    if (is_id_char(norm[i]) && id_after(norm, i)) return true;
  for (const char* h : {"主页", "头像", "私", "赚", "代购", "微", "薇", "v", "q", "群", "关注我", "福利在"})
    if (contains(norm, h)) return true;
  return false;
}

std::size_t RepeatTracker::add(const std::string& key, const std::string& user) {
  if (app::utf8::length(key) < min_chars_) return 0;
  auto& users = users_[key];
  users.insert(user);
  return users.size();
}

bool RepeatTracker::is_spam(const std::string& key) const {
  const auto it = users_.find(key);
  return it != users_.end() && it->second.size() >= min_users_;
}

}  // namespace comments
