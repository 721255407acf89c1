#include "liveformer/runtime/chat_template.hpp"

#include "liveformer/core/error.hpp"

namespace lf {

std::optional<ChatFormat> chat_format_from_name(std::string_view name) {
  if (name == "chatml") return ChatFormat::chatml;
  if (name == "llama2") return ChatFormat::llama2;
  if (name == "zephyr") return ChatFormat::zephyr;
  return std::nullopt;
}

const char* chat_format_name(ChatFormat f) {
  switch (f) {
    case ChatFormat::chatml: return "chatml";
    case ChatFormat::llama2: return "llama2";
    case ChatFormat::zephyr: return "zephyr";
  }
  return "?";
}

std::optional<ChatFormat> detect_chat_format(std::string_view t) {
  if (t.find("<|im_start|>") != std::string_view::npos) return ChatFormat::chatml;
  if (t.find("[INST]") != std::string_view::npos) return ChatFormat::llama2;
  if (t.find("<|user|>") != std::string_view::npos) return ChatFormat::zephyr;
  return std::nullopt;
}

namespace {

// A ChatML template's built-in system message: a string literal of the form
// '<|im_start|>system\n...<|im_end|>' with no expression inside (Qwen2.5's
// "You are Qwen, created by Alibaba Cloud. ..."). Jinja escapes stay escaped
// in the source, so "\n" is two characters there.
std::string default_system_message(std::string_view t) {
  const std::string_view open = "<|im_start|>system\\n";
  for (std::size_t at = t.find(open); at != std::string_view::npos; at = t.find(open, at + 1)) {
    const std::size_t begin = at + open.size();
    const std::size_t end = t.find("<|im_end|>", begin);
    if (end == std::string_view::npos) break;
    const std::string_view body = t.substr(begin, end - begin);
    if (body.empty() || body.find_first_of("'\"{}+") != std::string_view::npos) continue;
    std::string out;
    for (std::size_t i = 0; i < body.size(); ++i) {
      if (body[i] == '\\' && i + 1 < body.size()) {
        const char c = body[++i];
        out += c == 'n' ? '\n' : c == 't' ? '\t' : c;
      } else {
        out += body[i];
      }
    }
    return out;
  }
  return "";
}

}  // namespace

ChatTemplate ChatTemplate::resolve(std::string_view jinja_template, std::string_view name) {
  ChatTemplate t;
  if (!name.empty()) {
    const auto f = chat_format_from_name(name);
    LF_CHECK(f.has_value(), "chat template", "unknown format '" + std::string(name) + "' (known: chatml, llama2, zephyr)");
    t.format = *f;
  } else {
    const auto f = detect_chat_format(jinja_template);
    LF_CHECK(f.has_value(), "chat template",
          jinja_template.empty() ? "the model has no chat template; name a format (chatml, llama2, zephyr)"
                                 : "the model's chat template is not one liveformer recognises; name a format "
                                   "(chatml, llama2, zephyr)");
    t.format = *f;
  }
  if (t.format == ChatFormat::chatml) t.default_system = default_system_message(jinja_template);
  return t;
}

std::vector<ChatPiece> ChatTemplate::render(const std::vector<ChatMessage>& messages, bool add_generation_prompt) const {
  for (const ChatMessage& m : messages)
    LF_CHECK(m.role == "system" || m.role == "user" || m.role == "assistant", "chat template",
          "unknown role '" + m.role + "' (expected system, user or assistant)");
  std::vector<ChatPiece> out;
  auto markup = [&](std::string s) { out.push_back({std::move(s), true}); };
  auto text = [&](const std::string& s) { out.push_back({s, false}); };

  switch (format) {
    case ChatFormat::chatml: {
      if (!default_system.empty() && (messages.empty() || messages.front().role != "system")) {
        markup("<|im_start|>system\n");
        text(default_system);
        markup("<|im_end|>\n");
      }
      for (const ChatMessage& m : messages) {
        markup("<|im_start|>" + m.role + "\n");
        text(m.content);
        markup("<|im_end|>\n");
      }
      if (add_generation_prompt) markup("<|im_start|>assistant\n");
      break;
    }
    case ChatFormat::llama2: {
      // The system prompt is folded into the first user turn.
      std::string system;
      std::size_t i = 0;
      if (!messages.empty() && messages[0].role == "system") system = messages[i++].content;
      for (; i < messages.size(); ++i) {
        const ChatMessage& m = messages[i];
        if (m.role == "user") {
          markup("<s>[INST] ");
          if (!system.empty()) {
            markup("<<SYS>>\n");
            text(system);
            markup("\n<</SYS>>\n\n");
            system.clear();
          }
          text(m.content);
          markup(" [/INST]");
        } else if (m.role == "assistant") {
          markup(" ");
          text(m.content);
          markup(" </s>");
        } else {
          throw_error("chat template", "llama2 accepts a system message only first");
        }
      }
      break;  // the model answers right after [/INST]
    }
    case ChatFormat::zephyr: {
      for (const ChatMessage& m : messages) {
        markup("<|" + m.role + "|>\n");
        text(m.content);
        markup("</s>\n");
      }
      if (add_generation_prompt) markup("<|assistant|>\n");
      break;
    }
  }
  return out;
}

std::string ChatTemplate::render_text(const std::vector<ChatMessage>& messages, bool add_generation_prompt) const {
  std::string s;
  for (const ChatPiece& p : render(messages, add_generation_prompt)) s += p.text;
  return s;
}

std::vector<std::int32_t> encode_chat(const Tokenizer& tokenizer, const std::vector<ChatPiece>& pieces) {
  // Normally the rendered text is encoded in one go, exactly as Hugging Face
  // encodes the output of the Jinja template. Only when message text spells
  // a special token is it encoded separately, as plain text, so that it
  // cannot open or close a turn.
  bool hostile = false;
  std::string all;
  for (const ChatPiece& p : pieces) {
    all += p.text;
    if (!p.special && tokenizer.mentions_special_token(p.text)) hostile = true;
  }
  if (!hostile) return tokenizer.encode(all, /*add_special=*/false, /*parse_special=*/true);

  std::vector<std::int32_t> ids;
  for (const ChatPiece& p : pieces) {
    if (p.text.empty()) continue;
    const auto part = tokenizer.encode(p.text, /*add_special=*/false, /*parse_special=*/p.special);
    ids.insert(ids.end(), part.begin(), part.end());
  }
  return ids;
}

}  // namespace lf
