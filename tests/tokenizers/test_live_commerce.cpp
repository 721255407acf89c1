// Qwen2 on live-commerce text, against ids from Hugging Face tokenizers
// (tests/data/tokenizers/qwen2_live_commerce.json, made by
// tools/reference/make_tokenizer_goldens.py).
#include <catch2/catch.hpp>

#include "harness/skip.hpp"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include <liveformer/core/error.hpp>
#include <liveformer/formats/tokenizer.hpp>
#include <liveformer/formats/tokenizer_stream.hpp>
#include <liveformer/formats/utf8.hpp>

#include "harness/compare.hpp"

namespace {

const lf::Tokenizer& qwen2() {
  static const auto tok =
      lf::make_tokenizer(lf::Vocabulary::from_tokenizer_json(lf::test::shared_dir() + "/tokenizers/qwen2/tokenizer.json"));
  return *tok;
}

nlohmann::json goldens() {
  std::ifstream in(lf::test::test_data_dir() + "/tokenizers/qwen2_live_commerce.json");
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE("qwen2: live-commerce strings match Hugging Face tokenizers", "[tokenizers][qwen2]") {
  if (!lf::test::have_shared()) { LF_SKIP("../shared not found"); }
  const auto doc = goldens();
  REQUIRE(doc["cases"].size() >= 30);
  std::size_t passed = 0;
  for (const auto& c : doc["cases"]) {
    const std::string text = c["text"];
    const auto want = c["ids"].get<std::vector<std::int32_t>>();
    INFO("text: \"" << text << "\"");
    const auto got = qwen2().encode(text);  // parse_special: HF matches added tokens
    CHECK(got == want);
    passed += got == want;
    // Round trip up to the NFC normalizer.
    CHECK(qwen2().decode(got) == c["nfc"].get<std::string>());
  }
  std::cout << "[tokenizer goldens] qwen2 live commerce: " << passed << "/" << doc["cases"].size() << " cases match\n";
}

TEST_CASE("qwen2: special tokens are parsed only when asked", "[tokenizers][qwen2]") {
  if (!lf::test::have_shared()) { LF_SKIP("../shared not found"); }
  const auto& tok = qwen2();
  const std::int32_t im_end = tok.token_id("<|im_end|>");
  REQUIRE(im_end == 151645);
  CHECK(tok.encode("好<|im_end|>", false, true).back() == im_end);
  const auto plain = tok.encode("好<|im_end|>", false, /*parse_special=*/false);
  CHECK(std::find(plain.begin(), plain.end(), im_end) == plain.end());
  CHECK(tok.decode(plain) == "好<|im_end|>");
  CHECK(tok.decode(tok.encode("<|im_end|>好")) == "<|im_end|>好");
  CHECK(tok.decode(tok.encode("<|im_end|>好"), /*skip_special=*/true) == "好");
}

TEST_CASE("tokenizers: invalid UTF-8 input throws lf::Error naming the offset", "[tokenizers]") {
  if (!lf::test::have_shared()) { LF_SKIP("../shared not found"); }
  const std::string bad = "主播\xE4\xB8 好";
  try {
    (void)qwen2().encode(bad);
    FAIL("expected lf::Error");
  } catch (const lf::Error& e) {
    CHECK_THAT(e.what(), Catch::Contains("not valid UTF-8 at byte offset 6"));
  }
  // The documented way out: sanitize first.
  const auto ids = qwen2().encode(lf::utf8::sanitize(bad));
  CHECK(qwen2().decode(ids) == "主播\uFFFD 好");
  CHECK_THROWS_AS(qwen2().decode(std::vector<std::int32_t>{-1}), lf::Error);
  CHECK_THROWS_AS(qwen2().token_to_piece(1 << 30), lf::Error);
}
