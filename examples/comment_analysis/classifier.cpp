#include "comment_analysis/classifier.hpp"

#include <algorithm>
#include <cmath>

#include "common/app_error.hpp"
#include "common/utf8.hpp"

namespace comments {

namespace prompts = app::prompts;

Classifier::Classifier(const app::Model& model, std::int32_t n_ctx)
    : model_(model), n_ctx_(n_ctx), chat_(model.has_chat_template()) {
  // Each answer is tokenized whole, as training did (prompts.py:
  // classify_continuations), and split where the answers first differ, so
  // the shared "意图：" part joins the prefix without changing tokenization.
  // The chat answer ends with <|im_end|> when the vocabulary has it as one
  // token, else with EOS; the plain fallback ends with a newline.
  const lf_token im_end = chat_ ? model.single_token(prompts::kImEnd) : -1;
  std::vector<app::Tokens> answers;
  for (const char* intent : prompts::kIntents)
    for (const char* sentiment : prompts::kSentiments) {
      const std::string text = prompts::classify_answer(intent, sentiment);
      app::Tokens ids;
      if (!chat_) {
        ids = model.tokenize(text + "\n", false, false);
      } else if (im_end >= 0) {
        ids = model.tokenize(text + prompts::kImEnd, false, true);
      } else {
        ids = model.tokenize(text, false, false);
        if (model.desc().eos >= 0) ids.push_back(model.desc().eos);
      }
      answers.push_back(std::move(ids));
    }
  std::size_t shared = answers[0].size();
  for (const app::Tokens& a : answers) shared = std::min(shared, app::common_prefix(a, answers[0]));
  // Keep at least one token in every ending (lf_score needs non-empty
  // continuations; the 21 texts differ, so only a prefix can be shared).
  for (const app::Tokens& a : answers) shared = std::min(shared, a.size() - 1);
  answer_start_.assign(answers[0].begin(), answers[0].begin() + static_cast<std::ptrdiff_t>(shared));
  for (const app::Tokens& a : answers) {
    endings_.emplace_back(a.begin() + static_cast<std::ptrdiff_t>(shared), a.end());
    longest_ending_ = std::max(longest_ending_, endings_.back().size());
  }
  // The shortest possible prompt must fit, or nothing can be classified.
  if (prefix("").size() + longest_ending_ > static_cast<std::size_t>(n_ctx_))
    throw app::AppError("the context of " + std::to_string(n_ctx_) +
                        " tokens is too small for the classification prompt; pass a larger --ctx");
}

app::Tokens Classifier::prefix(const std::string& comment) const {
  app::Tokens ids = chat_ ? model_.chat_tokenize({{"system", prompts::kSystemClassify}, {"user", comment}}, true)
                          : model_.tokenize(std::string(prompts::kSystemClassify) + "\n弹幕：" + comment + "\n", true, false);
  ids.insert(ids.end(), answer_start_.begin(), answer_start_.end());
  return ids;
}

Label Classifier::classify(app::Context& ctx, const std::string& comment) const {
  // A comment too long for the context is shortened (a live comment that
  // long is rare; its beginning carries the intent). First to 8 characters
  // per context token, so a hostile multi-megabyte comment is not
  // tokenized whole (seconds of CPU) only to be cut down to n_ctx tokens.
  std::string text = app::utf8::truncate(comment, 8 * static_cast<std::size_t>(n_ctx_));
  app::Tokens pre = prefix(text);
  const auto budget = static_cast<std::size_t>(n_ctx_) - longest_ending_;
  while (pre.size() > budget) {
    const std::size_t chars = app::utf8::length(text);
    const std::size_t keep = chars * budget / pre.size();
    text = app::utf8::truncate(text, keep < chars ? keep : chars - 1);
    pre = prefix(text);
  }
  std::vector<const lf_token*> conts;
  std::vector<std::int32_t> lengths;
  for (const app::Tokens& e : endings_) {
    conts.push_back(e.data());
    lengths.push_back(static_cast<std::int32_t>(e.size()));
  }
  std::array<double, kLabelCount> logp{};
  app::check_lf(lf_score(ctx.get(), pre.data(), static_cast<std::int32_t>(pre.size()), conts.data(), lengths.data(),
                         static_cast<std::int32_t>(kLabelCount), logp.data(), nullptr),
                "cannot score the labels");
  const auto best = static_cast<std::size_t>(std::max_element(logp.begin(), logp.end()) - logp.begin());
  double sum = 0;
  for (double lp : logp) sum += std::exp(lp - logp[best]);
  Label out;
  out.intent = static_cast<int>(best / kSentimentCount);
  out.sentiment = static_cast<int>(best % kSentimentCount);
  out.confidence = 1.0 / sum;
  for (std::size_t k = 0; k < kLabelCount; ++k) out.probs[k] = std::exp(logp[k] - logp[best]) / sum;
  return out;
}

}  // namespace comments
