#include "comment_analysis/report_html.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "common/utf8.hpp"

namespace comments {

namespace {

struct Series {
  const char* id;
  const char* label;
  const char* colour;
};

const Series kIntentSeries[] = {
    {"price", "价格 price", "#e4572e"},       {"spec", "规格 spec", "#17a398"},   {"shipping", "物流 shipping", "#f2a900"},
    {"purchase", "购买 purchase", "#3d5a80"}, {"praise", "好评 praise", "#76b041"}, {"complaint", "投诉 complaint", "#a23b72"},
    {"other", "其他 other", "#9e9e9e"}};
const Series kSentimentSeries[] = {
    {"positive", "正面 positive", "#2e9e44"}, {"neutral", "中性 neutral", "#8c8c8c"}, {"negative", "负面 negative", "#d62828"}};

std::string esc(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  return out;
}

std::string num(double x, int decimals = 1) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  return buf;
}

std::string str(const app::Json& j) { return j.is_string() ? j.get<std::string>() : j.dump(); }

// A time on the charts' axis: "1:30", or "1:05:00" in a stream that
// reaches an hour; plain seconds where a clock would be absurd.
std::string clock_label(double t, bool with_hours) {
  if (!(std::fabs(t) < 1e9)) return num(t, 0) + " s";
  const auto total = static_cast<long long>(std::floor(std::fabs(t)));
  const long long h = total / 3600, m = total % 3600 / 60, sec = total % 60;
  char buf[64];
  if (with_hours)
    std::snprintf(buf, sizeof buf, "%s%lld:%02lld:%02lld", t < 0 ? "-" : "", h, m, sec);
  else
    std::snprintf(buf, sizeof buf, "%s%lld:%02lld", t < 0 ? "-" : "", h * 60 + m, sec);
  return buf;
}

// A bucket width as people say it: "10 s", "5 min", "2 h", "4 d".
std::string width_label(double seconds) {
  const auto in = [&](double unit, const char* name) {
    return num(seconds / unit, std::fmod(seconds, unit) == 0 ? 0 : 1) + " " + name;
  };
  if (seconds < 60) return in(1, "s");
  if (seconds < 3600 || std::fmod(seconds, 3600) != 0) return in(60, "min");
  if (seconds < 86400 || std::fmod(seconds, 86400) != 0) return in(3600, "h");
  return in(86400, "d");
}

// The buckets as the charts need them: their times and how to label them.
struct Timeline {
  const app::Json& buckets;
  double width;
  bool with_hours;

  std::size_t size() const { return buckets.size(); }
  double start(std::size_t b) const { return buckets[b]["start_s"].get<double>(); }
  double count(std::size_t b) const { return buckets[b]["count"].get<double>(); }
  std::string label(std::size_t b) const { return clock_label(start(b), with_hours); }
  std::string range(std::size_t b) const { return label(b) + "–" + clock_label(start(b) + width, with_hours); }
};

Timeline timeline(const app::Json& report) {
  const app::Json& buckets = report["buckets"];
  const double width = report["bucket_s"].get<double>();
  const double start = buckets.empty() ? 0 : buckets.front()["start_s"].get<double>();
  const double end = buckets.empty() ? 0 : buckets.back()["start_s"].get<double>() + width;
  return {buckets, width, end >= 3600 || start <= -3600};
}

// Chart geometry shared by both charts; the top margin holds a row of
// comment counts.
constexpr double kWidth = 960, kHeight = 300, kLeft = 48, kRight = 16, kTop = 26, kBottom = 40;
constexpr double kPlotW = kWidth - kLeft - kRight, kPlotH = kHeight - kTop - kBottom;

// Shares of a bucket with fewer comments than this are drawn as hollow
// points and left out of the trend line: with 1 to 4 comments one comment
// moves a share by 20 points or more, and a lone comment reads as 100%.
constexpr double kMinCommentsForTrend = 5;

double bucket_x(const Timeline& tl, std::size_t b) {
  return kLeft + kPlotW * (static_cast<double>(b) + 0.5) / static_cast<double>(tl.size());
}

std::string axes(const Timeline& tl, double y_max, const std::string& y_unit) {
  std::string s;
  // Horizontal grid lines with labels at 0, 1/2 and the top (whole numbers:
  // counts have an even y_max).
  for (int k = 0; k <= 2; ++k) {
    const double y = kTop + kPlotH - kPlotH * k / 2.0;
    s += "<line x1='" + num(kLeft) + "' y1='" + num(y) + "' x2='" + num(kLeft + kPlotW) + "' y2='" + num(y) +
         "' stroke='#ddd'/>";
    s += "<text x='" + num(kLeft - 6) + "' y='" + num(y + 4) + "' text-anchor='end' class='tick'>" +
         num(y_max * k / 2.0, 0) + y_unit + "</text>";
  }
  const std::size_t n = tl.size();
  const std::size_t every = std::max<std::size_t>(1, (n + 11) / 12);
  for (std::size_t b = 0; b < n; b += every)
    s += "<text x='" + num(bucket_x(tl, b)) + "' y='" + num(kTop + kPlotH + 16) + "' text-anchor='middle' class='tick'>" +
         tl.label(b) + "</text>";
  s += "<text x='" + num(kLeft + kPlotW / 2) + "' y='" + num(kHeight - 4) + "' text-anchor='middle' class='tick'>时间 time (" +
       (tl.with_hours ? "h:mm:ss" : "m:ss") + ") · 每根柱 each bar: " + width_label(tl.width) + "</text>";
  return s;
}

// The number of comments in each bucket, written above its column.
std::string count_row(const Timeline& tl, double y) {
  std::string s = "<text x='" + num(kLeft - 6) + "' y='" + num(y) + "' text-anchor='end' class='tick'>n</text>";
  for (std::size_t b = 0; b < tl.size(); ++b)
    if (tl.count(b) > 0)
      s += "<text x='" + num(bucket_x(tl, b)) + "' y='" + num(y) + "' text-anchor='middle' class='count'>" +
           num(tl.count(b), 0) + "</text>";
  return s;
}

std::string legend(const Series* series, std::size_t n) {
  std::string s = "<div class='legend'>";
  for (std::size_t i = 0; i < n; ++i)
    s += "<span><i style='background:" + std::string(series[i].colour) + "'></i>" + series[i].label + "</span>";
  return s + "</div>";
}

// Stacked bars: each bucket's comments by intent.
std::string intent_chart(const Timeline& tl) {
  const std::size_t n = tl.size();
  double y_max = 1;
  for (std::size_t b = 0; b < n; ++b) y_max = std::max(y_max, tl.count(b));
  y_max = std::ceil(y_max / 2) * 2;  // even, so the middle grid line is whole
  std::string s = "<svg id='intent-chart' class='chart' viewBox='0 0 " + num(kWidth, 0) + " " + num(kHeight, 0) +
                  "' role='img' aria-label='intent counts per " + width_label(tl.width) + "'>";
  s += axes(tl, y_max, "") + count_row(tl, kTop - 8);
  const double slot = kPlotW / static_cast<double>(n);
  const double bar = std::max(1.0, slot * 0.8);
  for (std::size_t b = 0; b < n; ++b) {
    double y = kTop + kPlotH;
    const double x = kLeft + slot * static_cast<double>(b) + (slot - bar) / 2;
    for (const Series& se : kIntentSeries) {
      const double count = tl.buckets[b]["intents"][se.id].get<double>();
      if (count <= 0) continue;
      const double h = kPlotH * count / y_max;
      y -= h;
      s += "<rect x='" + num(x, 2) + "' y='" + num(y, 2) + "' width='" + num(bar, 2) + "' height='" + num(h, 2) +
           "' fill='" + se.colour + "'><title>" + tl.range(b) + " " + se.label + ": " + num(count, 0) + " of " +
           num(tl.count(b), 0) + "</title></rect>";
    }
  }
  return s + "</svg>" + legend(kIntentSeries, std::size(kIntentSeries));
}

// Lines: each bucket's share of positive / neutral / negative comments,
// with the count it is out of. Buckets without comments break the lines,
// and so do buckets with too few for a share to mean much
// (kMinCommentsForTrend): their points are hollow.
std::string sentiment_chart(const Timeline& tl) {
  const std::size_t n = tl.size();
  std::string s = "<svg id='sentiment-chart' class='chart' viewBox='0 0 " + num(kWidth, 0) + " " + num(kHeight, 0) +
                  "' role='img' aria-label='sentiment share per " + width_label(tl.width) + "'>";
  s += axes(tl, 100, "%") + count_row(tl, kTop - 8);
  for (const Series& se : kSentimentSeries) {
    std::vector<std::string> segments(1);
    std::string dots;
    for (std::size_t b = 0; b < n; ++b) {
      const double total = tl.count(b);
      const bool enough = total >= kMinCommentsForTrend;
      if (!enough && !segments.back().empty()) segments.emplace_back();
      if (total <= 0) continue;
      const double count = tl.buckets[b]["sentiments"][se.id].get<double>();
      const double share = 100 * count / total;
      const double x = bucket_x(tl, b), y = kTop + kPlotH - kPlotH * share / 100;
      if (enough) segments.back() += num(x, 2) + "," + num(y, 2) + " ";
      dots += "<circle cx='" + num(x, 2) + "' cy='" + num(y, 2) + "' r='3' " +
              (enough ? "fill='" + std::string(se.colour) + "'"
                      : "class='few' fill='#fff' stroke='" + std::string(se.colour) + "' stroke-width='1.5'") +
              "><title>" + tl.range(b) + " " + se.label + ": " + num(count, 0) + " of " + num(total, 0) + " (" +
              num(share, 0) + "%)" + (enough ? "" : ", too few comments for a trend") + "</title></circle>";
    }
    for (const std::string& points : segments)
      if (!points.empty())
        s += "<polyline fill='none' stroke='" + std::string(se.colour) + "' stroke-width='2' points='" + points + "'/>";
    s += dots;
  }
  return s + "</svg>" + legend(kSentimentSeries, std::size(kSentimentSeries)) +
         "<p class='muted'>n: 该时段弹幕数 comments in the bucket. 少于 " + num(kMinCommentsForTrend, 0) +
         " 条的时段画成空心点、不连线 (buckets with fewer than " + num(kMinCommentsForTrend, 0) +
         " comments are hollow points, not joined into the trend).</p>";
}

// A comment as shown in a table cell: at most kShownCharacters
// user-perceived characters (about two lines), so one long comment cannot
// stretch the table; a longer one ends in "…" and keeps its full text in a
// title, which the browser shows on hover.
constexpr std::size_t kShownCharacters = 60;

std::string comment_html(const std::string& text) {
  if (app::utf8::character_count(text) <= kShownCharacters) return esc(text);
  return "<span class='cut' title='" + esc(text) + "'>" +
         esc(app::utf8::truncate_characters(text, kShownCharacters - 1)) + "…</span>";
}

std::string counts_table(const app::Json& counts, const Series* series, std::size_t n) {
  std::string s = "<table><tr>";
  for (std::size_t i = 0; i < n; ++i) s += "<th>" + std::string(series[i].label) + "</th>";
  s += "</tr><tr>";
  for (std::size_t i = 0; i < n; ++i) s += "<td>" + str(counts[series[i].id]) + "</td>";
  return s + "</tr></table>";
}

}  // namespace

std::string render_html(const app::Json& r) {
  const app::Json& in = r["input"];
  std::string h =
      "<!DOCTYPE html>\n<html lang='zh-CN'>\n<head>\n<meta charset='utf-8'>\n"
      "<meta name='viewport' content='width=device-width, initial-scale=1'>\n"
      "<title>直播弹幕分析报告 · comment analysis</title>\n<style>\n"
      // A colour emoji font ahead of the text fonts, limited to emoji code
      // points: text fonts such as DejaVu Sans carry grey outlines of some
      // emoji (😂) and would win, while a colour font first for everything
      // would draw digits and '#' too. local() only: nothing is fetched.
      "@font-face{font-family:report-emoji;src:local('Apple Color Emoji'),local('Segoe UI Emoji'),"
      "local('Noto Color Emoji');unicode-range:U+200D,U+20E3,U+231A-23FF,U+2600-27BF,U+2B00-2BFF,U+FE0F,"
      "U+1F000-1FAFF,U+E0020-E007F}\n"
      "body{font-family:report-emoji,system-ui,'PingFang SC','Noto Sans CJK SC','Microsoft YaHei',sans-serif,"
      "'Apple Color Emoji','Segoe UI Emoji','Noto Color Emoji';margin:24px auto;"
      "max-width:1000px;color:#222;padding:0 12px}\n"
      "h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #eee;padding-bottom:4px}\n"
      ".chart{width:100%;height:auto;background:#fff;border:1px solid #eee}\n"
      ".tick{font-size:11px;fill:#555}\n"
      ".legend span{display:inline-block;margin:4px 14px 0 0;font-size:13px}\n"
      ".legend i{display:inline-block;width:11px;height:11px;margin-right:5px;vertical-align:-1px}\n"
      "table{border-collapse:collapse;font-size:13px;margin:6px 0}td,th{border:1px solid #ddd;padding:3px 8px;"
      "text-align:left}th{background:#f6f6f6}\n"
      ".summary span{display:inline-block;margin-right:18px}.muted{color:#777;font-size:12px}\n"
      ".count{font-size:10px;fill:#555}.text{overflow-wrap:anywhere}.cut{cursor:help}\n"
      "</style>\n</head>\n<body>\n<h1>直播弹幕分析报告</h1>\n";
  h += "<p class='summary'><span>输入 input: " + esc(str(in["source"])) + "</span><span>弹幕 comments: " +
       str(in["comments"]) + "</span><span>分析 classified: " + str(in["classified"]) + "</span><span>重复 duplicates: " +
       str(in["dropped_duplicates"]) + "</span><span>空 empty: " + str(in["dropped_empty"]) + "</span><span>坏行 bad lines: " +
       str(in["bad_lines"]) + "</span><span>广告 spam: " + str(in["spam"]) + "</span><span>速度: " + str(r["throughput"]["comments_per_s"]) + " comments/s</span></p>\n";
  h += "<p class='muted'>model: " + esc(str(r["model"])) + " · liveformer " + esc(str(r["liveformer"])) + "</p>\n";

  h += "<h2>给主播的建议 Suggestions</h2>\n";
  if (r["suggestions"].empty()) h += "<p class='muted'>暂无 (none)</p>\n";
  else {
    h += "<ul>";
    for (const app::Json& s : r["suggestions"]) h += "<li>" + esc(str(s["text"])) + "</li>";
    h += "</ul>\n";
  }

  const Timeline tl = timeline(r);
  const std::string per = width_label(tl.width);
  h += "<h2>意图随时间变化 Intent counts per " + per + "</h2>\n";
  if (tl.size() == 0) h += "<p class='muted'>no comments</p>\n";
  else
    h += "<p class='muted' id='bucket-width'>每根柱 each bar: " + per + " (" + std::to_string(tl.size()) + " × " + per +
         ", chosen from the stream's span)</p>\n" + intent_chart(tl) + "\n";
  h += "<h2>情感趋势 Sentiment trend (share per " + per + ")</h2>\n";
  if (tl.size() != 0) h += sentiment_chart(tl) + "\n";

  h += "<h2>总计 Totals</h2>\n" + counts_table(r["totals"]["intents"], kIntentSeries, std::size(kIntentSeries)) +
       counts_table(r["totals"]["sentiments"], kSentimentSeries, std::size(kSentimentSeries)) + "\n";

  h += "<h2>高频问题 Most asked questions</h2>\n<table><tr><th>问题 question</th><th>次数 count</th><th>intent</th></tr>";
  for (const app::Json& q : r["top_questions"])
    h += "<tr><td class='text'>" + comment_html(str(q["text"])) + "</td><td>" + str(q["count"]) + "</td><td>" +
         esc(str(q["intent"])) + "</td></tr>";
  h += "</table>\n";

  h += "<h2>关注点 Product aspects</h2>\n<table><tr><th>aspect</th><th>提及 mentions</th><th>提问 questions</th>"
       "<th>正面</th><th>中性</th><th>负面</th></tr>";
  for (const app::Json& a : r["aspects"])
    h += "<tr><td>" + esc(str(a["label"])) + " (" + esc(str(a["aspect"])) + ")</td><td>" + str(a["count"]) + "</td><td>" +
         str(a["questions"]) + "</td><td>" + str(a["sentiments"]["positive"]) + "</td><td>" +
         str(a["sentiments"]["neutral"]) + "</td><td>" + str(a["sentiments"]["negative"]) + "</td></tr>";
  h += "</table>\n";

  h += "<h2>商品相关建议 Product suggestions</h2>\n";
  if (r.contains("product")) h += "<p class='muted'>商品 product: " + esc(str(r["product"])) + "</p>\n";
  if (r["product_suggestions"].empty()) h += "<p class='muted'>暂无 (none)</p>\n";
  else {
    h += "<ul id='product-suggestions'>";
    for (const app::Json& s : r["product_suggestions"]) h += "<li>" + esc(str(s["say"])) + "</li>";
    h += "</ul>\n";
  }

  h += "<h2>告警 Alerts</h2>\n";
  if (r["alerts"].empty()) h += "<p class='muted'>暂无 (none)</p>\n";
  else {
    h += "<ul id='alerts'>";
    for (const app::Json& a : r["alerts"]) {
      const std::string when = num(a["start"].get<double>(), 0) + "–" + num(a["end"].get<double>(), 0) + " s";
      if (str(a["kind"]) == "complaint_burst")
        h += "<li>" + when + " 投诉集中 complaint burst: " + str(a["complaints"]) + " (" +
             num(100 * a["share"].get<double>(), 0) + "%)</li>";
      else
        h += "<li>" + when + " 多人提问 question from " + str(a["users"]) + " users: " + comment_html(str(a["text"])) +
             "</li>";
    }
    h += "</ul>\n";
  }

  h += "<h2>同问合并 Question clusters</h2>\n<table id='clusters'><tr><th>问题 question</th><th>次数 count</th>"
       "<th>人数 users</th><th>intent</th></tr>";
  for (const app::Json& c : r["clusters"])
    h += "<tr><td class='text'>" + comment_html(str(c["text"])) + "</td><td>" + str(c["count"]) + "</td><td>" +
         str(c["users"]) + "</td><td>" + esc(str(c["intent"])) + "</td></tr>";
  h += "</table>\n";

  h += "<h2>热词 Hot words</h2>\n<p id='hot-words'>";
  for (const app::Json& w : r["hot_words"]) h += "<span>" + esc(str(w["text"])) + " ×" + str(w["count"]) + "</span> ";
  h += "</p>\n<table><tr><th>窗口 window (s)</th><th>弹幕 comments</th><th>投诉 complaints</th><th>热词 hot words</th></tr>";
  for (const app::Json& w : r["windows"]) {
    std::string words;
    for (const app::Json& x : w["hot_words"]) words += esc(str(x["text"])) + "×" + str(x["count"]) + " ";
    h += "<tr><td>" + num(w["start"].get<double>(), 0) + "–" + num(w["end"].get<double>(), 0) + "</td><td>" +
         str(w["comments"]) + "</td><td>" + str(w["intents"]["complaint"]) + "</td><td>" + words + "</td></tr>";
  }
  h += "</table>\n";

  h += "<h2>广告 Spam</h2>\n<p>" + str(r["spam"]["count"]) + " 条广告/刷屏 spam comments (not in the statistics)</p>\n";

  const app::Json& cs = r["comments"];
  constexpr std::size_t kShown = 1000;
  h += "<h2>弹幕 Comments</h2>\n";
  if (cs.size() > kShown)
    h += "<p class='muted'>first " + std::to_string(kShown) + " of " + std::to_string(cs.size()) +
         "; all are in report.json</p>\n";
  h += "<table><tr><th>t (s)</th><th>user</th><th>text</th><th>intent</th><th>sentiment</th><th>p</th><th>source</th></tr>";
  for (std::size_t i = 0; i < cs.size() && i < kShown; ++i) {
    const app::Json& c = cs[i];
    h += "<tr><td>" + num(c["t"].get<double>(), 0) + "</td><td>" + esc(c.contains("user") ? str(c["user"]) : "") +
         "</td><td class='text'>" + comment_html(str(c["clean"])) + "</td><td>" + esc(str(c["intent"])) + "</td><td>" +
         esc(str(c["sentiment"])) + (c["spam"].get<bool>() ? " (spam)" : "") + "</td><td>" +
         num(c["confidence"].get<double>(), 2) + "</td><td>" + esc(str(c["source"])) + "</td></tr>";
  }
  h += "</table>\n</body>\n</html>\n";
  return h;
}

}  // namespace comments
