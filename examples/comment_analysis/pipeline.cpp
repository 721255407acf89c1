#include "comment_analysis/pipeline.hpp"

#include <atomic>
#include <cmath>
#include <optional>
#include <thread>

#include "comment_analysis/combine.hpp"
#include "comment_analysis/normalize.hpp"
#include "comment_analysis/rules.hpp"
#include "common/app_error.hpp"
#include "common/prompts.hpp"

namespace comments {

namespace {

using ModelProbs = std::optional<std::array<double, kModelLabels>>;

// The model's distribution for each comment in `todo` (indexes into
// batch), `jobs` threads each on its own context.
std::vector<ModelProbs> score(const Classifier& classifier, std::vector<app::Context>& contexts,
                              const std::vector<Comment>& batch, const std::vector<std::size_t>& todo) {
  std::vector<ModelProbs> out(batch.size());
  std::atomic<std::size_t> next{0};
  std::vector<std::string> errors(contexts.size());
  auto work = [&](std::size_t worker) {
    try {
      for (std::size_t k; (k = next++) < todo.size();) {
        const std::size_t i = todo[k];
        out[i] = classifier.classify(contexts[worker], batch[i].clean).probs;
      }
    } catch (const std::exception& e) {
      errors[worker] = e.what();
      next = todo.size();  // stop the others early
    }
  };
  std::vector<std::thread> threads;
  const std::size_t n_threads = std::min(contexts.size(), todo.size());
  for (std::size_t w = 1; w < n_threads; ++w) threads.emplace_back(work, w);
  if (n_threads > 0) work(0);
  for (std::thread& t : threads) t.join();
  for (const std::string& e : errors)
    if (!e.empty()) throw app::AppError(e);
  return out;
}

void mark_spam(Comment& c, std::string reason) {
  c.spam = true;
  c.spam_reason = std::move(reason);
  c.intent = kOther;  // an ad asks nothing of the host
  c.sentiment = kNeutral;
  c.confidence = 1;
  c.source = "rules";
}

}  // namespace

void Pipeline::label(std::vector<Comment>& batch) {
  std::vector<RuleResult> rules(batch.size());
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Comment& c = batch[i];
    c.norm = normalize(c.clean);
    c.cluster = clusters_.assign(c.norm);
    rules[i] = apply_rules(c.norm);
    c.question = rules[i].question;
    std::string reason = ad_reason(c.norm);
    // Viewers copy each other's questions and complaints (跟风): a repeated
    // text is counted towards spam only if it is about nothing the host
    // sells, or carries an ad hint.
    const int topic = rules[i].best_intent;
    const bool off_topic = (topic == kOther || topic == kNoIntent) && !rules[i].question;
    if (reason.empty() && !c.duplicate && (off_topic || ad_hint(c.norm))) {
      // Anonymous comments each count as a different user.
      const std::string user = c.user ? "u:" + *c.user : "line:" + std::to_string(c.line);
      if (const std::size_t users = repeats_.add(clusters_.get(c.cluster).key, user); users >= repeats_.min_users())
        reason = "same text from " + std::to_string(users) + " users";
    }
    if (!reason.empty()) mark_spam(c, std::move(reason));
    else if (score_all_ || !rules_decide(rules[i])) todo.push_back(i);
  }
  std::vector<ModelProbs> probs(batch.size());
  if (classifier_ && contexts_ && !contexts_->empty()) probs = score(*classifier_, *contexts_, batch, todo);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Comment& c = batch[i];
    if (c.spam) continue;
    Decision d = combine(rules[i], probs[i]);
    if (!probs[i] && classifier_) d.confidence = rules[i].intent_strength;  // not scored: the rules' own strength
    c.intent = d.intent;
    c.sentiment = d.sentiment;
    c.confidence = d.confidence;
    c.source = d.source;
  }
  for (const Comment& c : batch)
    if (!c.duplicate) clusters_.add(c.cluster, c.clean, c.user ? &*c.user : nullptr, c.t, c.question, c.intent, c.spam);
}

void Pipeline::finalize(std::vector<Comment>& all, std::vector<Comment>& repeats) {
  for (std::vector<Comment>* list : {&all, &repeats})
    for (Comment& c : *list)
      if (!c.spam && repeats_.is_spam(clusters_.get(c.cluster).key)) mark_spam(c, "same text from many users");
  clusters_.reset_counts();
  for (const Comment& c : all)
    clusters_.add(c.cluster, c.clean, c.user ? &*c.user : nullptr, c.t, c.question, c.intent, c.spam);
}

app::Json comment_line(const Comment& c) {
  app::Json j;
  j["type"] = "comment";
  j["line"] = c.line;
  j["t"] = c.t;
  if (c.user) j["user"] = *c.user;
  j["text"] = c.text;
  j["intent"] = app::prompts::kIntents[static_cast<std::size_t>(c.intent)];
  j["sentiment"] = app::prompts::kSentiments[static_cast<std::size_t>(c.sentiment)];
  j["spam"] = c.spam;
  if (c.spam) j["spam_reason"] = c.spam_reason;
  j["cluster"] = c.cluster;
  if (c.duplicate) j["duplicate"] = true;
  j["confidence"] = std::round(c.confidence * 1000) / 1000;
  j["source"] = c.source;
  return j;
}

}  // namespace comments
