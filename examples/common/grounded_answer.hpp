// live-qa's last step, shared by the live-qa app and the server's rooms:
// an answer line grounded in the product (examples/README.md "Grounding").
#pragma once

#include "common/fact_sheet.hpp"
#include "common/json_input.hpp"

namespace app::grounding {

/// Grounds `r` ({"question", "answer": the model's answer}): the decision
/// (answer or decline, and from which lines) comes from the product alone;
/// the model's answer stands only when it agrees with it, else the
/// template answer does. Sets "answer", "model_answer", "source"
/// (model | template), "decision" (answer | decline), "topic" and "facts"
/// ([{field, value}]). Only the question's first 2,000 characters are read:
/// a question is data.
void ground_answer(Json& r, const FactSheet& facts);

}  // namespace app::grounding
