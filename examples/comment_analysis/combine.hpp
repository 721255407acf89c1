// How the rules and the model's 21-way distribution make one label.
//
// A weighted sum per label: p = w * rules + (1 - w) * model, where rules is
// all on the rules' best label and w their strength (0 without cues, up to
// 0.95, lower when a second cue competes; RuleResult::intent_strength). The model's
// distribution is marginalised over the other label (intent: the sum over
// the 3 sentiments). One clear cue (w >= 0.5) therefore always decides,
// since the model's share is at most 1 - w; weak hints are a vote the model
// can overrule; with no cue the model decides alone. Why: the rules are
// precise where they fire (complaints above all), the demo model covers the
// rest. A complaint intent always has a negative sentiment.
#pragma once

#include <array>
#include <optional>
#include <string>

#include "comment_analysis/rules.hpp"

namespace comments {

inline constexpr std::size_t kModelLabels = kRuleIntents * kRuleSentiments;

struct Decision {
  int intent = kOther;
  int sentiment = kNeutral;
  double confidence = 0;  ///< the intent's combined probability
  const char* source = "model";  ///< "rules", "model" or "both" (who picked the intent)
};

/// True if the rules are strong enough on both labels that no model
/// distribution can change the outcome (weight above 1/2 on each): the
/// model need not run, which keeps live latency low.
bool rules_decide(const RuleResult& rules);

/// `model`: the 21 answers' probabilities, intent-major (as the classifier
/// scores them), or nullopt when no model ran.
Decision combine(const RuleResult& rules, const std::optional<std::array<double, kModelLabels>>& model);

}  // namespace comments
