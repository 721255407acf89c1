// load_sentencepiece_model(): a tokenizer.model trained here with Debian's
// spm_train, checked against the spm_encode tool and against liveformer's
// own SentencePiece algorithm run on the same vocabulary.
#include <catch2/catch.hpp>

#include "harness/skip.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <liveformer/core/error.hpp>
#include <liveformer/formats/tokenizer.hpp>
#include <liveformer/formats/tokenizer_stream.hpp>
#include <liveformer/formats/utf8.hpp>

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kTexts = {
    "主播好美 今天的价格是99.9元", "这个多少钱", "hello world, live shopping", "哈哈哈哈 666 冲冲冲",
    "买二送一 包邮 7天无理由退换", "蠡龘 rare chars use byte fallback 😍",
};

// Trains a small BPE model with byte fallback; empty path if spm_train is missing.
fs::path train_model() {
  if (std::system("command -v spm_train >/dev/null 2>&1") != 0) return {};
  const fs::path dir = fs::temp_directory_path() / ("lf_spm_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    std::ofstream corpus(dir / "corpus.txt");
    const char* lines[] = {"主播好美 今天的价格是99.9元 这个多少钱", "hello world live shopping with the host",
                           "哈哈哈哈 666 冲冲冲 买二送一 包邮", "7天无理由退换 直播间专享价 库存只剩3件",
                           "the price is low today and shipping is free"};
    for (int r = 0; r < 40; ++r)
      for (const char* l : lines) corpus << l << "\n";
  }
  const std::string cmd = "spm_train --input=" + (dir / "corpus.txt").string() + " --model_prefix=" +
                          (dir / "m").string() +
                          " --model_type=bpe --vocab_size=400 --byte_fallback=true --character_coverage=1.0"
                          " --normalization_rule_name=identity --remove_extra_whitespaces=false"
                          " --hard_vocab_limit=false --minloglevel=2 >" + (dir / "train.log").string() + " 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
  return dir / "m.model";
}

std::vector<std::int32_t> spm_encode_tool(const fs::path& model, const std::string& text) {
  const fs::path in = model.parent_path() / "in.txt", out = model.parent_path() / "out.txt";
  std::ofstream(in) << text << "\n";
  const std::string cmd = "spm_encode --model=" + model.string() + " --output_format=id < " + in.string() + " > " +
                          out.string();
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::ifstream result(out);
  std::vector<std::int32_t> ids;
  for (std::int32_t id; result >> id;) ids.push_back(id);
  return ids;
}

}  // namespace

TEST_CASE("sentencepiece: tokenizer.model through the library", "[tokenizers][sentencepiece]") {
  const fs::path model = train_model();
  if (model.empty()) { LF_SKIP("spm_train not installed"); }
  const auto tok = lf::load_sentencepiece_model(model);
  const auto& vocab = tok->vocabulary();
  CHECK(vocab.model == lf::TokenizerModel::sentencepiece);
  CHECK(tok->token_id("<0x41>") >= 0);
  CHECK(tok->token_id("no such piece") == -1);

  // Our own algorithm over the exported vocabulary must agree with the library.
  const auto ours = lf::make_spm_tokenizer(vocab);
  for (const std::string& text : kTexts) {
    INFO("text: \"" << text << "\"");
    const auto ids = tok->encode(text);
    CHECK(ids == spm_encode_tool(model, text));
    CHECK(ours->encode(text, false, false) == ids);
    CHECK(tok->decode(ids) == text);
    lf::StreamingDetokenizer detok(*tok);
    std::string streamed;
    for (const std::int32_t id : ids) {
      const std::string piece = detok.push(id);
      CHECK(lf::utf8::is_valid(piece));
      streamed += piece;
    }
    CHECK(streamed + detok.finish() == text);
  }
  CHECK_THROWS_AS(lf::load_sentencepiece_model(model.parent_path() / "missing.model"), lf::Error);
  fs::remove_all(model.parent_path());
}
