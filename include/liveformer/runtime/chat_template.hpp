// Chat templates: messages -> prompt text, for the formats models use.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "liveformer/formats/tokenizer.hpp"

namespace lf {

struct ChatMessage {
  std::string role;  ///< "system", "user" or "assistant"
  std::string content;
};

/// The prompt formats liveformer renders natively (no Jinja engine).
enum class ChatFormat {
  chatml,  ///< <|im_start|>role\ncontent<|im_end|>\n  (Qwen, many instruct models)
  llama2,  ///< <s>[INST] <<SYS>>\nsystem\n<</SYS>>\n\nuser [/INST] answer </s>
  zephyr,  ///< <|system|>\ncontent</s>\n<|user|>\n...<|assistant|>\n
};

std::optional<ChatFormat> chat_format_from_name(std::string_view name);  ///< "chatml", "llama2", "zephyr"
const char* chat_format_name(ChatFormat format);

/// Recognises a model's Jinja chat_template by its markers: "<|im_start|>"
/// -> chatml, "[INST]" -> llama2, "<|user|>" -> zephyr. nullopt otherwise.
std::optional<ChatFormat> detect_chat_format(std::string_view jinja_template);

/// A rendered prompt as pieces: template markup (special = true: may
/// contain control tokens such as <|im_start|>) and message text (special =
/// false: encoded as plain text, so a viewer's comment containing
/// "<|im_end|>" cannot inject a control token).
struct ChatPiece {
  std::string text;
  bool special;
};

struct ChatTemplate {
  ChatFormat format = ChatFormat::chatml;
  /// System message used when the conversation has none (ChatML templates
  /// such as Qwen2.5's carry one; read from the Jinja source). Empty: none.
  std::string default_system;

  /// Picks the format named by `name` if given, else detects it from the
  /// model's `jinja_template`. Throws lf::Error when neither works.
  static ChatTemplate resolve(std::string_view jinja_template, std::string_view name = {});

  /// Renders `messages`; with `add_generation_prompt`, ends with the opening
  /// of an assistant turn. Throws lf::Error on an unknown role.
  std::vector<ChatPiece> render(const std::vector<ChatMessage>& messages, bool add_generation_prompt = true) const;
  /// render() joined into one string.
  std::string render_text(const std::vector<ChatMessage>& messages, bool add_generation_prompt = true) const;
};

/// Token ids for rendered pieces: markup with special-token parsing, message
/// text without.
std::vector<std::int32_t> encode_chat(const Tokenizer& tokenizer, const std::vector<ChatPiece>& pieces);

}  // namespace lf
