// StreamingDetokenizer: fed one token at a time, it must only ever emit
// valid UTF-8 and, in total, exactly the decoded text.
#include <catch2/catch.hpp>

#include "harness/skip.hpp"

#include <liveformer/formats/gguf.hpp>
#include <liveformer/formats/tokenizer.hpp>
#include <liveformer/formats/tokenizer_stream.hpp>
#include <liveformer/formats/utf8.hpp>

#include "harness/compare.hpp"

namespace {

const std::vector<std::string> kTexts = {
    "主播好美😍😍", "哈哈哈哈666", "这个多少钱？？", "到手价¥99.9，再减¥10！", "😂🤣😭🙏❤️‍🔥👨‍👩‍👧",
    "日本製の化粧品です。한국 화장품도 있어요。", "【限时秒杀】买二送一，库存只剩3件！", "蠡龘齉 𠀀𪚥",
};

// Streams `ids`; returns the concatenated output after checking each piece.
std::string stream(const lf::Tokenizer& tok, const std::vector<std::int32_t>& ids, std::size_t& held_back) {
  lf::StreamingDetokenizer detok(tok);
  std::string all;
  for (const std::int32_t id : ids) {
    const std::string piece = detok.push(id);
    CHECK(lf::utf8::is_valid(piece));
    if (detok.pending() > 0) ++held_back;
    all += piece;
  }
  const std::string tail = detok.finish();
  CHECK(lf::utf8::is_valid(tail));
  CHECK(tail.empty());  // complete input leaves nothing behind
  return all + tail;
}

void check_streaming(const lf::Tokenizer& tok) {
  std::size_t held_back = 0;
  for (const std::string& text : kTexts) {
    INFO("text: \"" << text << "\"");
    const auto ids = tok.encode(text);
    CHECK(stream(tok, ids, held_back) == text);
  }
  CHECK(held_back > 0);  // the texts do split characters across tokens
}

}  // namespace

TEST_CASE("stream: qwen2 byte-level tokens never yield broken UTF-8", "[tokenizers][stream]") {
  if (!lf::test::have_shared()) { LF_SKIP("../shared not found"); }
  const auto tok =
      lf::make_tokenizer(lf::Vocabulary::from_tokenizer_json(lf::test::shared_dir() + "/tokenizers/qwen2/tokenizer.json"));
  check_streaming(*tok);
}

TEST_CASE("stream: llama-spm byte fallback never yields broken UTF-8", "[tokenizers][stream]") {
  if (!lf::test::have_shared()) { LF_SKIP("../shared not found"); }
  const auto file = lf::GgufFile::open(lf::test::shared_dir() + "/tokenizers/llama.cpp-vocab/ggml-vocab-llama-spm.gguf");
  const auto tok = lf::make_tokenizer(lf::Vocabulary::from_gguf(file));
  check_streaming(*tok);
  // With BOS: skipped when asked, and the prefix space is still dropped.
  lf::StreamingDetokenizer detok(*tok, /*skip_special=*/true);
  std::string out;
  for (const std::int32_t id : tok->encode("主播 hi", /*add_special=*/true)) out += detok.push(id);
  CHECK(out + detok.finish() == "主播 hi");
}

TEST_CASE("stream: a cut-off or invalid sequence becomes U+FFFD", "[tokenizers][stream]") {
  if (!lf::test::have_shared()) { LF_SKIP("../shared not found"); }
  const auto tok =
      lf::make_tokenizer(lf::Vocabulary::from_tokenizer_json(lf::test::shared_dir() + "/tokenizers/qwen2/tokenizer.json"));
  // 😍 is F0 9F 98 8D; find the single-byte tokens for those bytes.
  std::vector<std::int32_t> bytes;
  for (const unsigned char b : std::string("\xF0\x9F\x98\x8D")) {
    bool found = false;
    for (std::int32_t id = 0; id < 512 && !found; ++id)
      if (tok->token_to_piece(id) == std::string(1, static_cast<char>(b))) { bytes.push_back(id); found = true; }
    REQUIRE(found);
  }
  lf::StreamingDetokenizer detok(*tok);
  CHECK(detok.push(bytes[0]).empty());
  CHECK(detok.push(bytes[1]).empty());
  CHECK(detok.push(bytes[2]).empty());
  CHECK(detok.pending() == 3);
  CHECK(detok.finish() == "\uFFFD");  // the stream ended mid-character
  // A continuation byte with no lead can never become valid: emitted at once.
  CHECK(detok.push(bytes[3]) == "\uFFFD");
  CHECK(detok.pending() == 0);
  CHECK(detok.push(tok->encode("好")[0]) == "好");
}
