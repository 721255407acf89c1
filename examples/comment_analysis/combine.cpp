#include "comment_analysis/combine.hpp"

#include <algorithm>

namespace comments {

namespace {

// The rules vote for their best label only; how sure they are is in the
// weight (a close second cue lowers it).
template <std::size_t K>
std::array<double, K> one_hot(int best) {
  std::array<double, K> p{};
  if (best >= 0) p[static_cast<std::size_t>(best)] = 1;
  return p;
}

// How sure the model must be of a polar sentiment the rules have no cue for.
constexpr double kModelSure = 0.9;

template <std::size_t K>
std::size_t argmax(const std::array<double, K>& a) {
  return static_cast<std::size_t>(std::max_element(a.begin(), a.end()) - a.begin());
}

}  // namespace

bool rules_decide(const RuleResult& rules) {
  // With w > 1/2 the rules' label gets more than 1/2 and any other at most
  // (1 - w) < 1/2. Intent 'other' without cues (w = 0.3) is no decision.
  return rules.best_intent >= 0 && rules.intent_strength > 0.5 && rules.sentiment_strength > 0.5;
}

Decision combine(const RuleResult& rules, const std::optional<std::array<double, kModelLabels>>& model) {
  std::array<double, kRuleIntents> model_intent{};
  std::array<double, kRuleSentiments> model_sentiment{};
  if (model)
    for (std::size_t i = 0; i < kRuleIntents; ++i)
      for (std::size_t s = 0; s < kRuleSentiments; ++s) {
        model_intent[i] += (*model)[i * kRuleSentiments + s];
        model_sentiment[s] += (*model)[i * kRuleSentiments + s];
      }
  // Without a model the rules decide alone (an unknown comment is "other").
  const double wi = model ? rules.intent_strength : 1.0;
  const double ws = model ? rules.sentiment_strength : 1.0;
  const auto rule_intent = one_hot<kRuleIntents>(rules.best_intent);
  const auto rule_sentiment = one_hot<kRuleSentiments>(rules.best_sentiment);

  std::array<double, kRuleIntents> pi{};
  for (std::size_t i = 0; i < kRuleIntents; ++i) pi[i] = wi * rule_intent[i] + (1 - wi) * model_intent[i];
  std::array<double, kRuleSentiments> ps{};
  for (std::size_t s = 0; s < kRuleSentiments; ++s) ps[s] = ws * rule_sentiment[s] + (1 - ws) * model_sentiment[s];

  Decision d;
  const std::size_t best = argmax(pi);
  const double sum = pi[0] + pi[1] + pi[2] + pi[3] + pi[4] + pi[5] + pi[6];
  if (sum <= 0) {  // no model and no rule evidence
    d.intent = kOther;
    d.confidence = 0.5;
    d.source = "rules";
  } else {
    d.intent = static_cast<int>(best);
    d.confidence = pi[best] / sum;
    const bool rules_pick = rules.best_intent == d.intent && wi > 0;
    const bool model_pick = model && static_cast<int>(argmax(model_intent)) == d.intent;
    d.source = rules_pick && model_pick ? "both" : rules_pick || !model ? "rules" : "model";
  }
  const double ssum = ps[0] + ps[1] + ps[2];
  d.sentiment = ssum > 0 ? static_cast<int>(argmax(ps)) : kNeutral;
  // The model does not turn a comment negative against the rules: with no
  // negative cue at all (给主播点赞, 🐶, 点赞了) and no complaint, negative
  // needs the model to be sure of it; otherwise the better of the other two.
  if (model && d.sentiment == kNegative && d.intent != kComplaint && rules.sentiment[kNegative] == 0 &&
      model_sentiment[kNegative] < kModelSure)
    d.sentiment = ps[kPositive] > ps[kNeutral] ? kPositive : kNeutral;
  // Likewise positive: a chat line, a question or an order with no positive
  // cue (我家猫也这样, 给我留一个) is neutral unless the model is sure.
  if (model && d.sentiment == kPositive && d.intent != kPraise && rules.sentiment[kPositive] == 0 &&
      model_sentiment[kPositive] < kModelSure)
    d.sentiment = ps[kNeutral] >= ps[kNegative] || rules.sentiment[kNegative] == 0 ? kNeutral : kNegative;
  if (d.intent == kComplaint) d.sentiment = kNegative;
  return d;
}

}  // namespace comments
