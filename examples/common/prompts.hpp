// THE prompt formats of the demo model (tools/demo_model/prompts.py and
// PROMPTS.md), built as token ids through the C API. A model with a chat
// template gets them as ChatML-style turns (lf_chat_tokenize, format NULL);
// a model without one (stories260K, tests/data/models/llama) gets the plain-
// text fallback documented in examples/README.md.
#pragma once

#include <array>
#include <string>

#include "common/model.hpp"
#include "common/product.hpp"

namespace app::prompts {

// The grounded (slot) format, v2: the product goes in as render_product_slots
// lines and the model refers to facts as 【label】 (examples/README.md
// "Grounding"; tools/demo_model/prompts.py's *_SLOTS twins).
inline constexpr const char* kSystemScript =
    "你是直播间的带货主播。根据下面的商品信息写一段直播口播脚本，商品信息用【字段】引用。";
inline constexpr const char* kSystemQa =
    "你是直播间的客服助手。只根据下面的商品信息回答观众的问题，商品信息用【字段】引用，没有的信息要说明没有。";
inline constexpr const char* kSystemClassify = "判断弹幕的意图和情感。";
inline constexpr const char* kDefaultScriptRequest = "为这个商品写一段直播口播。";  // SCRIPT_REQUESTS[0]
inline constexpr const char* kClassifyPrefix = "意图：";
inline constexpr const char* kImEnd = "<|im_end|>";

inline constexpr std::array<const char*, 7> kIntents{"price",    "spec",   "shipping", "purchase",
                                                     "praise",   "complaint", "other"};
inline constexpr std::array<const char*, 3> kSentiments{"positive", "neutral", "negative"};

/// "意图：{intent}；情感：{sentiment}" (classify_answer).
std::string classify_answer(const std::string& intent, const std::string& sentiment);

/// prompts.py's chatml(): "<|im_start|>role\ncontent<|im_end|>\n" per message,
/// then "<|im_start|>assistant\n" with add_generation_prompt. The text the
/// demo model was trained on (the apps tokenize through lf_chat_tokenize;
/// this is for showing and checking the prompt).
std::string chatml_text(const Messages& messages, bool add_generation_prompt);

/// The product with every text value cut to `max_chars` characters (the
/// name is kept whole), at most 8 selling points and 12 items per list:
/// what goes into the prompt when the whole product does not fit the
/// context. The facts the apps fill in still come from the whole product.
Product compact_product(const Product& p, std::size_t max_chars);

/// script-gen: system = kSystemScript + "\n" + render_product_slots(p), user = request.
Tokens script_prompt(const Model& model, const Product& p, const std::string& request);

/// script_prompt() for a product that fits `n_ctx` with `room` tokens left
/// to write: whole when it fits, else compact_product() with shorter and
/// shorter values (a product far longer than the context is compacted
/// before it is tokenized at all). Throws AppError when nothing fits.
Tokens fit_script_prompt(const Model& model, const Product& p, const std::string& request, std::int32_t n_ctx, int room);
/// live-qa: the product part every question shares, and one question's
/// tokens after it. prefix() + question(q) is the whole prompt, exactly
/// as lf_chat_tokenize renders [system, user] (checked once at start-up;
/// if a template breaks that, question() renders the whole conversation
/// and the context's prefix matching still reuses the shared part).
class QaPrompt {
 public:
  QaPrompt(const Model& model, const Product& p);
  const Tokens& prefix() const { return prefix_; }
  Tokens full(const std::string& question) const;
  /// True for chat-template prompts; false for the plain fallback, whose
  /// answers end at a newline.
  bool chat() const { return chat_; }

 private:
  const Model* model_;
  std::string system_;
  bool chat_;
  bool split_ok_ = false;
  Tokens prefix_;
};

/// The QaPrompt for a product that leaves room for a question and its
/// answer (96 tokens) in `n_ctx`: whole, else compact_product() with
/// shorter values. Throws AppError when even the shortest leaves no room
/// for a question. The facts an app checks against still come from all
/// of the product.
QaPrompt fit_qa_prompt(const Model& model, const Product& p, std::int32_t n_ctx);

}  // namespace app::prompts
