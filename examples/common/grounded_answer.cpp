#include "common/grounded_answer.hpp"

#include "common/qa_grounding.hpp"
#include "common/utf8.hpp"

namespace app::grounding {

void ground_answer(Json& r, const FactSheet& facts) {
  const std::string question = utf8::truncate(r["question"].get<std::string>(), 2000);
  const QaDecision d = decide_answer(question, facts);
  const std::string model_answer = r.value("answer", "");
  const std::string accepted = accept_model_answer(model_answer, d, facts);
  r["answer"] = accepted.empty() ? d.answer : accepted;
  r["model_answer"] = model_answer;
  r["source"] = accepted.empty() ? "template" : "model";
  r["decision"] = d.decline ? "decline" : "answer";
  r["topic"] = d.topic;
  Json used = Json::array();
  for (const std::string& label : d.support) {
    const ProductLine* line = facts.find(label);
    used.push_back({{"field", label}, {"value", line ? line->value : ""}});
  }
  r["facts"] = used;
}

}  // namespace app::grounding
