// Fuzz target: chat-template rendering and encode_chat with hostile
// message content.
//
// Input: byte 0 picks the format (% 3: chatml, llama2, zephyr), byte 1 the
// options (bit 0 add_generation_prompt, bit 1 replace ill-formed UTF-8 in the
// content with U+FFFD first), then messages separated by NUL bytes; a
// message's first byte picks its role (% 4: system, user, assistant, or
// "tool", which must be rejected) and the rest is its content.
// ChatML is encoded with the Qwen2 BPE tokenizer, llama2 and zephyr with the
// SentencePiece one (their markup uses <s> and </s>).
//
// Checks: the control tokens of encode_chat() are exactly those of the
// template markup, in order, so message text can never open or close a turn.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.hpp"
#include "liveformer/formats/utf8.hpp"
#include "liveformer/runtime/chat_template.hpp"

namespace {

std::vector<std::int32_t> control_ids(const lf::Tokenizer& tok, const std::vector<std::int32_t>& ids) {
  std::vector<std::int32_t> out;
  for (std::int32_t id : ids)
    if (lf::fuzz::is_control(tok, id)) out.push_back(id);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  static const lf::ChatFormat kFormats[] = {lf::ChatFormat::chatml, lf::ChatFormat::llama2, lf::ChatFormat::zephyr};
  static const char* const kRoles[] = {"system", "user", "assistant", "tool"};
  lf::ChatTemplate tmpl;
  tmpl.format = kFormats[data[0] % 3];
  const bool add_generation_prompt = data[1] & 1, sanitize = data[1] & 2;
  const lf::Tokenizer& tok = tmpl.format == lf::ChatFormat::chatml ? lf::fuzz::qwen2_tokenizer() : lf::fuzz::spm_tokenizer();

  std::vector<lf::ChatMessage> messages;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 2, size - 2);
  for (std::size_t begin = 0; begin < rest.size();) {
    std::size_t end = rest.find('\0', begin);
    if (end == std::string_view::npos) end = rest.size();
    const std::string_view m = rest.substr(begin, end - begin);
    if (!m.empty()) {
      std::string content(m.substr(1));
      messages.push_back({kRoles[static_cast<unsigned char>(m[0]) % 4], sanitize ? lf::utf8::sanitize(content) : content});
    }
    begin = end + 1;
  }

  std::vector<lf::ChatPiece> pieces;
  try {
    pieces = tmpl.render(messages, add_generation_prompt);
  } catch (const lf::Error&) {
    return 0;  // an unknown role
  }
  std::string joined;
  for (const lf::ChatPiece& p : pieces) joined += p.text;
  lf::fuzz::require(joined == tmpl.render_text(messages, add_generation_prompt), "render_text != joined render() pieces");

  std::vector<std::int32_t> ids;
  try {
    ids = lf::encode_chat(tok, pieces);
  } catch (const lf::Error&) {
    lf::fuzz::require(!lf::utf8::is_valid(joined), "encode_chat threw for valid UTF-8");
    return 0;
  }
  std::vector<std::int32_t> markup;
  for (const lf::ChatPiece& p : pieces)
    if (p.special) {
      const auto part = control_ids(tok, tok.encode(p.text, false, true));
      markup.insert(markup.end(), part.begin(), part.end());
    }
  lf::fuzz::require(control_ids(tok, ids) == markup, "message text produced or removed a control token");
  return 0;
}
