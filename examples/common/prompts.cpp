#include "common/prompts.hpp"

#include <algorithm>

#include "common/app_error.hpp"
#include "common/utf8.hpp"

namespace app::prompts {

namespace {

// The plain-text fallback for models without a chat template: the system
// text, a blank line, then the request (script) or "问：…\n答：" (Q&A).
std::string plain_system(const char* system, const Product& p) {
  return std::string(system) + "\n" + render_product_slots(p) + "\n\n";
}

Tokens concat(Tokens a, const Tokens& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

Product compact_product(const Product& p, std::size_t max_chars) {
  const auto cut = [&](std::string& s) { s = utf8::truncate(s, max_chars); };
  const auto cut_list = [&](std::vector<std::string>& items, std::size_t most) {
    if (items.size() > most) items.resize(most);
    for (std::string& s : items) cut(s);
  };
  Product c = p;
  cut_list(c.selling_points, 8);
  for (auto& [key, items] : c.spec_items) cut_list(items, 12);
  for (auto& [key, items] : c.extras) cut_list(items, 12);
  for (auto* field : {&c.category, &c.promotion, &c.audience, &c.shipping, &c.returns})
    if (*field) cut(**field);
  if (c.gifts) cut_list(*c.gifts, 12);
  return c;
}

std::string classify_answer(const std::string& intent, const std::string& sentiment) {
  return std::string(kClassifyPrefix) + intent + "；情感：" + sentiment;
}

std::string chatml_text(const Messages& messages, bool add_generation_prompt) {
  std::string out;
  for (const auto& [role, content] : messages) out += "<|im_start|>" + role + "\n" + content + kImEnd + "\n";
  if (add_generation_prompt) out += "<|im_start|>assistant\n";
  return out;
}

Tokens script_prompt(const Model& model, const Product& p, const std::string& request) {
  if (model.has_chat_template())
    return model.chat_tokenize({{"system", std::string(kSystemScript) + "\n" + render_product_slots(p)}, {"user", request}},
                               true);
  return model.tokenize(plain_system(kSystemScript, p) + request + "\n", true, false);
}

QaPrompt::QaPrompt(const Model& model, const Product& p)
    : model_(&model), system_(std::string(kSystemQa) + "\n" + render_product_slots(p)), chat_(model.has_chat_template()) {
  if (!chat_) {
    prefix_ = model.tokenize(plain_system(kSystemQa, p), true, false);
    return;
  }
  prefix_ = model.chat_tokenize({{"system", system_}}, false);
  // Rendering only the user turn per question keeps per-question work
  // independent of the product's length, if the template allows it (one
  // that adds a default system turn to a lone user message does not).
  const std::string probe = "这个多少钱？";
  split_ok_ = concat(prefix_, model.chat_tokenize({{"user", probe}}, true)) ==
              model.chat_tokenize({{"system", system_}, {"user", probe}}, true);
}

Tokens QaPrompt::full(const std::string& question) const {
  if (!chat_) return concat(prefix_, model_->tokenize("问：" + question + "\n答：", false, false));
  if (split_ok_) return concat(prefix_, model_->chat_tokenize({{"user", question}}, true));
  return model_->chat_tokenize({{"system", system_}, {"user", question}}, true);
}

Tokens fit_script_prompt(const Model& model, const Product& product, const std::string& request, std::int32_t n_ctx,
                         int room) {
  const bool huge = utf8::length(render_product_slots(product)) > 4 * static_cast<std::size_t>(n_ctx);
  Tokens prompt = script_prompt(model, huge ? compact_product(product, 96) : product, request);
  for (std::size_t chars : {96u, 48u, 24u, 12u}) {
    if (static_cast<int>(prompt.size()) + room <= n_ctx) return prompt;
    prompt = script_prompt(model, compact_product(product, chars), request);
  }
  if (static_cast<int>(prompt.size()) >= n_ctx)
    throw AppError("the prompt has " + std::to_string(prompt.size()) + " tokens and does not fit the context of " +
                   std::to_string(n_ctx) + "; pass a larger --ctx");
  return prompt;
}

QaPrompt fit_qa_prompt(const Model& model, const Product& product, std::int32_t n_ctx) {
  const bool huge = utf8::length(render_product_slots(product)) > 4 * static_cast<std::size_t>(n_ctx);
  QaPrompt qa(model, huge ? compact_product(product, 96) : product);
  for (std::size_t chars : {96u, 48u, 24u, 12u}) {
    if (static_cast<std::int32_t>(qa.prefix().size()) + 96 <= n_ctx) break;
    qa = QaPrompt(model, compact_product(product, chars));
  }
  if (static_cast<std::int32_t>(qa.prefix().size()) + 8 >= n_ctx)
    throw AppError("the product prompt has " + std::to_string(qa.prefix().size()) +
                   " tokens and leaves no room for questions in the context of " + std::to_string(n_ctx) +
                   "; pass a larger --ctx");
  return qa;
}

}  // namespace app::prompts
