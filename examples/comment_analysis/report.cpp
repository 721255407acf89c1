#include "comment_analysis/report.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <liveformer/liveformer.h>

#include "comment_analysis/aspects.hpp"
#include "comment_analysis/bucket_width.hpp"
#include "comment_analysis/classifier.hpp"
#include "comment_analysis/hotwords.hpp"
#include "common/prompts.hpp"

namespace comments {

namespace {

namespace prompts = app::prompts;

using Counts = std::vector<std::size_t>;

app::Json named_counts(const Counts& counts, const auto& names) {
  app::Json out = app::Json::object();
  for (std::size_t i = 0; i < counts.size(); ++i) out[names[i]] = counts[i];
  return out;
}

app::Json comment_json(const Comment& c) {
  app::Json j;
  j["line"] = c.line;
  j["t"] = c.t;
  if (c.user) j["user"] = *c.user;
  j["text"] = c.text;
  j["clean"] = c.clean;
  return j;
}

double round3(double x) { return std::round(x * 1000) / 1000; }

// Counts per time bucket, the width chosen from the stream's span
// (bucket_width.hpp), so that short and long streams both get a readable
// chart. Bucket indices stay doubles: times can be too large for an integer.
app::Json per_bucket(const std::vector<Comment>& cs, double& width) {
  double lo = cs.front().t, hi = cs.front().t;
  for (const Comment& c : cs) lo = std::min(lo, c.t), hi = std::max(hi, c.t);
  width = choose_bucket_seconds(lo, hi);
  const double first = std::floor(lo / width);
  const auto n = static_cast<std::size_t>(bucket_count(lo, hi, width));
  std::vector<Counts> intents(n, Counts(kIntentCount)), sentiments(n, Counts(kSentimentCount));
  Counts total(n);
  for (const Comment& c : cs) {
    const double index = std::clamp(std::floor(c.t / width) - first, 0.0, static_cast<double>(n - 1));
    const auto b = static_cast<std::size_t>(index);
    ++total[b];
    ++intents[b][static_cast<std::size_t>(c.intent)];
    ++sentiments[b][static_cast<std::size_t>(c.sentiment)];
  }
  app::Json out = app::Json::array();
  for (std::size_t b = 0; b < n; ++b) {
    app::Json m;
    m["start_s"] = (first + static_cast<double>(b)) * width;
    m["count"] = total[b];
    m["intents"] = named_counts(intents[b], prompts::kIntents);
    m["sentiments"] = named_counts(sentiments[b], prompts::kSentiments);
    m["negative_share"] = total[b] ? round3(static_cast<double>(sentiments[b][2]) / static_cast<double>(total[b])) : 0.0;
    out.push_back(std::move(m));
  }
  return out;
}

app::Json top_questions(const std::vector<Comment>& cs, std::size_t top_n) {
  struct Group {
    std::size_t count = 0;
    std::size_t first = 0;  // order of appearance, for ties
    double first_t = 0;
    std::map<std::string, std::size_t> variants;  // clean text -> count
    Counts intents = Counts(kIntentCount);
  };
  std::map<std::string, Group> groups;
  for (const Comment& c : cs) {
    if (!is_question(c.clean)) continue;
    const std::string key = question_key(c.clean);
    if (key.empty()) continue;
    auto [it, fresh] = groups.try_emplace(key);
    Group& g = it->second;
    if (fresh) g.first = groups.size(), g.first_t = c.t;
    ++g.count;
    ++g.variants[c.clean];
    ++g.intents[static_cast<std::size_t>(c.intent)];
  }
  std::vector<const Group*> order;
  for (const auto& [key, g] : groups) order.push_back(&g);
  std::sort(order.begin(), order.end(),
            [](const Group* a, const Group* b) { return a->count != b->count ? a->count > b->count : a->first < b->first; });
  app::Json out = app::Json::array();
  for (std::size_t i = 0; i < order.size() && i < top_n; ++i) {
    const Group& g = *order[i];
    const auto variant = std::max_element(g.variants.begin(), g.variants.end(),
                                          [](const auto& a, const auto& b) { return a.second < b.second; });
    const auto intent = std::max_element(g.intents.begin(), g.intents.end()) - g.intents.begin();
    app::Json q;
    q["text"] = variant->first;
    q["count"] = g.count;
    q["intent"] = prompts::kIntents[static_cast<std::size_t>(intent)];
    q["first_t"] = g.first_t;
    out.push_back(std::move(q));
  }
  return out;
}

std::string fill_count(std::string text, std::size_t n) {
  const auto at = text.find("{n}");
  if (at != std::string::npos) text.replace(at, 3, std::to_string(n));
  return text;
}

}  // namespace

app::Json build_report(const ReportInput& in) {
  const std::vector<Comment>& all = *in.comments;
  // Statistics are over the non-spam comments only.
  std::vector<Comment> kept;
  for (const Comment& c : all)
    if (!c.spam) kept.push_back(c);
  const std::vector<Comment>& cs = kept;
  const CommentFeed& feed = *in.feed;
  app::Json r;
  r["tool"] = "comment-analysis";
  r["liveformer"] = lf_version();
  r["model"] = in.model;

  const std::size_t empty = feed.dropped_empty(), duplicates = feed.dropped_duplicates();
  app::Json input;
  input["source"] = in.source == "-" ? "<stdin>" : in.source;
  input["lines"] = feed.lines();
  input["blank_lines"] = feed.blank_lines();
  input["bad_lines"] = feed.bad_count();
  input["comments"] = feed.received();
  input["dropped_empty"] = empty;
  input["dropped_duplicates"] = duplicates;
  input["classified"] = all.size();
  input["spam"] = all.size() - cs.size();
  input["duplicate_window_s"] = in.window_s;
  input["stopped_by_signal"] = in.stopped;
  r["input"] = input;
  r["labels"]["intents"] = prompts::kIntents;
  r["labels"]["sentiments"] = prompts::kSentiments;

  Counts intents(kIntentCount), sentiments(kSentimentCount);
  for (const Comment& c : cs) ++intents[static_cast<std::size_t>(c.intent)], ++sentiments[static_cast<std::size_t>(c.sentiment)];
  r["totals"]["intents"] = named_counts(intents, prompts::kIntents);
  r["totals"]["sentiments"] = named_counts(sentiments, prompts::kSentiments);

  double bucket = choose_bucket_seconds(0, 0);  // no comments: no buckets, the narrowest width
  r["buckets"] = cs.empty() ? app::Json::array() : per_bucket(cs, bucket);
  r["bucket_s"] = bucket;
  r["top_questions"] = top_questions(cs, in.top_n);

  // Aspects: how many comments mention each, and with what sentiment.
  const auto& list = aspects();
  std::vector<Counts> by_aspect(list.size(), Counts(kSentimentCount));
  Counts aspect_total(list.size()), aspect_questions(list.size());
  for (const Comment& c : cs)
    for (std::size_t a : mentioned_aspects(c.clean)) {
      ++aspect_total[a];
      ++by_aspect[a][static_cast<std::size_t>(c.sentiment)];
      if (is_question(c.clean)) ++aspect_questions[a];
    }
  std::vector<std::size_t> aspect_order(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) aspect_order[i] = i;
  std::stable_sort(aspect_order.begin(), aspect_order.end(),
                   [&](std::size_t a, std::size_t b) { return aspect_total[a] > aspect_total[b]; });
  r["aspects"] = app::Json::array();
  for (std::size_t a : aspect_order) {
    if (aspect_total[a] == 0) continue;
    app::Json j;
    j["aspect"] = list[a].id;
    j["label"] = list[a].label;
    j["count"] = aspect_total[a];
    j["questions"] = aspect_questions[a];
    j["sentiments"] = named_counts(by_aspect[a], prompts::kSentiments);
    r["aspects"].push_back(std::move(j));
  }

  // Suggestions: an aspect or a mood is worth the host's attention when at
  // least 2 comments (and 1% of them) show it; strongest first.
  const std::size_t n = cs.size();
  const std::size_t min_count = std::max<std::size_t>(2, (n + 99) / 100);
  std::vector<std::pair<std::size_t, app::Json>> suggestions;
  auto suggest = [&](const char* kind, const std::string& id, std::size_t count, const std::string& text) {
    app::Json s;
    s["kind"] = kind;
    s["id"] = id;
    s["count"] = count;
    s["text"] = text;
    suggestions.emplace_back(count, std::move(s));
  };
  for (std::size_t a : aspect_order)
    if (aspect_total[a] >= min_count) suggest("aspect", list[a].id, aspect_total[a], fill_count(list[a].suggestion, aspect_total[a]));
  const std::size_t complaints = intents[5], negative = sentiments[2], positive = sentiments[0], purchases = intents[3];
  const auto percent = [&](std::size_t k) { return std::to_string(n ? (100 * k + n / 2) / n : 0); };
  if (complaints >= min_count || (negative >= min_count && negative * 10 >= n * 3))
    suggest("sentiment", "negative", std::max(complaints, negative),
            "负面弹幕占" + percent(negative) + "%，投诉" + std::to_string(complaints) +
                "条：及时回应问题、安抚情绪，讲清售后保障");
  if (positive >= min_count && positive * 2 >= n)
    suggest("sentiment", "positive", positive,
            "正面弹幕占" + percent(positive) + "%：趁热打铁，强调限时优惠和库存，引导下单");
  if (purchases >= min_count)
    suggest("intent", "purchase", purchases,
            std::to_string(purchases) + "条弹幕在下单或想买：感谢下单、播报销量，提醒还没拍的观众");
  std::stable_sort(suggestions.begin(), suggestions.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  r["suggestions"] = app::Json::array();
  for (auto& [count, s] : suggestions) r["suggestions"].push_back(std::move(s));

  // Spam, counted apart from everything above.
  app::Json spam;
  spam["count"] = all.size() - cs.size();
  spam["reasons"] = app::Json::object();
  spam["examples"] = app::Json::array();
  for (const Comment& c : all) {
    if (!c.spam) continue;
    const std::string reason = c.spam_reason.rfind("same text", 0) == 0 ? "repeated text" : c.spam_reason;
    spam["reasons"][reason] = spam["reasons"].value(reason, 0) + 1;
    if (spam["examples"].size() < 10) spam["examples"].push_back(c.clean);
  }
  r["spam"] = spam;

  // Near-duplicate clusters: one question asked N times by M users.
  r["clusters"] = app::Json::array();
  if (in.clusters)
    for (const Cluster* c : in.clusters->top(2, std::max<std::size_t>(in.top_n, 20))) {
      app::Json j;
      j["cluster"] = c->id;
      j["text"] = c->text();
      j["count"] = c->count;
      j["users"] = c->user_count();
      j["questions"] = c->questions;
      j["intent"] = prompts::kIntents[static_cast<std::size_t>(c->intent())];
      j["first_t"] = c->first_t;
      j["variants"] = app::Json::array();
      for (const auto& [text, k] : c->variants)
        if (j["variants"].size() < 8) j["variants"].push_back({{"text", text}, {"count", k}});
      r["clusters"].push_back(std::move(j));
    }

  // Hot words of the whole stream and per window.
  std::vector<std::string> norms;
  for (const Comment& c : cs) norms.push_back(c.norm);
  r["hot_words"] = app::Json::array();
  for (const HotWord& h : hot_words(norms, 20, 2)) r["hot_words"].push_back({{"text", h.text}, {"count", h.count}});
  r["window_s"] = in.aggregate_window_s;
  r["windows"] = in.windows ? app::Json(in.windows->windows()) : app::Json::array();
  r["alerts"] = in.windows ? app::Json(in.windows->alerts()) : app::Json::array();
  if (!in.product.empty()) r["product"] = in.product;
  r["product_suggestions"] = in.product_suggestions;

  r["throughput"]["comments"] = all.size();
  r["throughput"]["seconds"] = round3(in.classify_seconds);
  r["throughput"]["comments_per_s"] =
      in.classify_seconds > 0 ? round3(static_cast<double>(all.size()) / in.classify_seconds) : 0.0;
  r["throughput"]["jobs"] = in.jobs;

  r["comments"] = app::Json::array();
  for (const Comment& c : all) {
    app::Json j = comment_json(c);
    j["intent"] = prompts::kIntents[static_cast<std::size_t>(c.intent)];
    j["sentiment"] = prompts::kSentiments[static_cast<std::size_t>(c.sentiment)];
    j["confidence"] = round3(c.confidence);
    j["source"] = c.source;
    j["spam"] = c.spam;
    if (c.spam) j["spam_reason"] = c.spam_reason;
    j["cluster"] = c.cluster;
    r["comments"].push_back(std::move(j));
  }
  r["dropped"] = app::Json::array();
  for (const Dropped& d : feed.dropped()) {
    app::Json j = comment_json(d.comment);
    j["reason"] = d.reason;
    r["dropped"].push_back(std::move(j));
  }
  r["bad_lines"] = app::Json::array();
  for (const BadLine& b : feed.bad_lines()) r["bad_lines"].push_back({{"line", b.line}, {"reason", b.reason}});
  return r;
}

}  // namespace comments
