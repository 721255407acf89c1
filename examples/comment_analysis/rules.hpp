// The rule layer: reads a normalize()d comment with the lexicons and
// returns evidence for each intent and sentiment, with how sure the rules
// are. Handles negation (不贵, 不好看, 没发货), sarcasm (又涨价了 真是“宠粉”),
// questions (会掉色吗 asks about a spec; 掉色了 is a complaint) and gives
// complaint cues priority.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "comment_analysis/lexicon.hpp"

namespace comments {

inline constexpr std::size_t kRuleIntents = 7;
inline constexpr std::size_t kRuleSentiments = 3;

struct RuleResult {
  std::array<double, kRuleIntents> intent{};        ///< evidence per intent (>= 0)
  std::array<double, kRuleSentiments> sentiment{};  ///< evidence per sentiment (>= 0)
  int best_intent = kNoIntent;                      ///< kNoIntent: no intent cue
  int best_sentiment = kNoSentiment;                ///< kNoSentiment: no sentiment cue
  double intent_strength = 0;     ///< 0 (no evidence) .. 0.95: the weight of the rules against the model
  double sentiment_strength = 0;
  bool question = false;
  bool negated = false;   ///< an evaluative cue was negated
  bool sarcastic = false;
  std::vector<std::string> hits;  ///< the cues that fired, for reports and tests
};

/// True if the normalised comment asks something (吗/么/?/多少/几/啥/咋 ...).
bool is_question_text(std::string_view norm);

/// Runs the rules over a normalize()d comment.
RuleResult apply_rules(std::string_view norm);

}  // namespace comments
