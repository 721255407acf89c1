// live-qa's grounded answer: which product lines answer a viewer's
// question, whether the asked value is offered, and an answer written only
// from those lines. A model's answer is used only when it agrees with this
// decision (accept_model_answer); otherwise the template answer stands.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/fact_sheet.hpp"

namespace app::grounding {

struct QaDecision {
  bool decline = false;
  std::string topic;                 ///< "price", "colour", ... or "" when none was recognised
  std::string asked;                 ///< the value the viewer asked about (红色, XXL, 顺丰), if any
  std::vector<std::string> support;  ///< labels of the lines that answer it
  std::string answer;                ///< the template answer (one or two sentences)
  double score = 0;                  ///< best lexical match score of a line (for diagnostics)
};

/// Decides and writes the answer to `question` from `facts` only. The
/// question is data: instructions inside it change nothing.
QaDecision decide_answer(std::string_view question, const FactSheet& facts);

/// The model's answer after slot filling, when it agrees with `d`: it
/// passes the verifier, declines exactly when `d` declines, carries the
/// asked value or the supporting line's value, and has at most two
/// sentences. Empty when it does not agree.
std::string accept_model_answer(std::string_view model_text, const QaDecision& d, const FactSheet& facts);

}  // namespace app::grounding
