#include "comment_analysis/windows.hpp"

#include <algorithm>
#include <cmath>

#include "comment_analysis/hotwords.hpp"
#include "common/prompts.hpp"

namespace comments {

namespace {

namespace prompts = app::prompts;

double round3(double x) { return std::round(x * 1000) / 1000; }

template <std::size_t K>
app::Json named(const std::array<std::size_t, K>& counts, const auto& names) {
  app::Json out = app::Json::object();
  for (std::size_t i = 0; i < K; ++i) out[names[i]] = counts[i];
  return out;
}

}  // namespace

std::vector<app::Json> WindowAggregator::add(double t, int intent, int sentiment, bool spam, std::size_t cluster,
                                             const std::string& cluster_text, const std::string* user, bool question,
                                             const std::string& norm) {
  std::vector<app::Json> out;
  // Clamped: a hostile "t" of 1e300 must not overflow the window index.
  const auto index = static_cast<long long>(std::clamp(std::floor(t / window_s_), -1e15, 1e15));
  if (open_ && index > open_->index) out = close();
  if (!open_) {
    open_ = Open{};
    open_->index = index;
  }
  Open& w = *open_;
  ++w.comments;
  if (spam) {
    ++w.spam;
    return out;
  }
  ++w.intents[static_cast<std::size_t>(intent)];
  ++w.sentiments[static_cast<std::size_t>(sentiment)];
  if (w.texts.size() < 5000) w.texts.push_back(norm);  // hot words of a huge window: its first 5000 comments
  if (question) {
    // Users who asked; anonymous comments each count as one asker.
    w.question_users[cluster].insert(user ? "u:" + *user : "anon:" + std::to_string(w.comments));
    ++w.question_counts[cluster];
    w.cluster_text.try_emplace(cluster, cluster_text);
  }
  if (intent == 5 && w.complaint_examples.size() < 5) w.complaint_examples.push_back(cluster_text);
  return out;
}

std::vector<app::Json> WindowAggregator::flush() { return open_ ? close() : std::vector<app::Json>{}; }

std::vector<app::Json> WindowAggregator::close() {
  Open& w = *open_;
  std::vector<app::Json> out;
  const double start = static_cast<double>(w.index) * window_s_;
  const std::size_t kept = w.comments - w.spam;
  app::Json j;
  j["type"] = "window";
  j["start"] = start;
  j["end"] = start + window_s_;
  j["comments"] = w.comments;
  j["spam"] = w.spam;
  j["intents"] = named(w.intents, prompts::kIntents);
  j["sentiments"] = named(w.sentiments, prompts::kSentiments);
  const std::size_t complaints = w.intents[5];
  const double share = kept ? static_cast<double>(complaints) / static_cast<double>(kept) : 0.0;
  j["complaint_share"] = round3(share);
  j["hot_words"] = app::Json::array();
  for (const HotWord& h : hot_words(w.texts, 10, 2)) j["hot_words"].push_back({{"text", h.text}, {"count", h.count}});
  // Most asked questions of the window: by distinct users, then count.
  std::vector<std::size_t> qs;
  for (const auto& [id, users] : w.question_users) qs.push_back(id);
  std::stable_sort(qs.begin(), qs.end(), [&](std::size_t a, std::size_t b) {
    return w.question_users[a].size() != w.question_users[b].size() ? w.question_users[a].size() > w.question_users[b].size()
                                                                    : w.question_counts[a] > w.question_counts[b];
  });
  j["top_questions"] = app::Json::array();
  for (std::size_t i = 0; i < qs.size() && i < 5; ++i)
    j["top_questions"].push_back({{"cluster", qs[i]}, {"text", w.cluster_text[qs[i]]}, {"count", w.question_counts[qs[i]]},
                                  {"users", w.question_users[qs[i]].size()}});
  windows_.push_back(j);
  out.push_back(std::move(j));

  if (complaints >= alerts_.min_complaints && share >= alerts_.complaint_share) {
    app::Json a;
    a["type"] = "alert";
    a["kind"] = "complaint_burst";
    a["start"] = start;
    a["end"] = start + window_s_;
    a["complaints"] = complaints;
    a["share"] = round3(share);
    a["examples"] = w.complaint_examples;
    alerts_out_.push_back(a);
    out.push_back(std::move(a));
  }
  for (std::size_t id : qs) {
    const std::size_t users = w.question_users[id].size();
    if (users < alerts_.min_users) break;  // sorted by users
    app::Json a;
    a["type"] = "alert";
    a["kind"] = "question";
    a["start"] = start;
    a["end"] = start + window_s_;
    a["cluster"] = id;
    a["text"] = w.cluster_text[id];
    a["count"] = w.question_counts[id];
    a["users"] = users;
    alerts_out_.push_back(a);
    out.push_back(std::move(a));
  }
  // Bounded history: drop the oldest beyond max_kept_.
  if (windows_.size() > max_kept_) windows_.erase(windows_.begin(), windows_.end() - static_cast<std::ptrdiff_t>(max_kept_));
  if (alerts_out_.size() > max_kept_)
    alerts_out_.erase(alerts_out_.begin(), alerts_out_.end() - static_cast<std::ptrdiff_t>(max_kept_));
  open_.reset();
  return out;
}

}  // namespace comments
