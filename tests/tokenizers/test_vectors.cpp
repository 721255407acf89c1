// llama.cpp's tokenizer test vectors (../shared/tokenizers/llama.cpp-vocab):
// <name>.gguf.inp holds the texts, <name>.gguf.out the reference ids (made
// with Hugging Face tokenizers / sentencepiece), one line per case, no BOS.
#include <catch2/catch.hpp>

#include "harness/skip.hpp"

#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <liveformer/formats/gguf.hpp>
#include <liveformer/formats/tokenizer.hpp>

#include "harness/compare.hpp"

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Case {
  std::string text;
  std::vector<std::int32_t> ids;
};

// The .inp file is case, "\n__ggml_vocab_test__\n", case, separator, ...
// ending with a separator: a case is everything before its separator
// (llama.cpp's test-tokenizer-0 reads it this way). The newline before each
// separator belongs to the separator, so "\n\n__ggml..." is the text "\n".
std::vector<Case> read_cases(const std::string& name) {
  const std::string dir = lf::test::shared_dir() + "/tokenizers/llama.cpp-vocab/";
  const std::string inp = slurp(dir + name + ".gguf.inp");
  const std::string out = slurp(dir + name + ".gguf.out");
  const std::string sep = "\n__ggml_vocab_test__\n";
  std::vector<Case> cases;
  std::size_t pos = 0;
  for (std::size_t next; (next = inp.find(sep, pos)) != std::string::npos; pos = next + sep.size())
    cases.push_back({inp.substr(pos, next - pos), {}});
  REQUIRE(pos == inp.size());  // nothing after the last separator
  std::istringstream lines(out);
  std::string line;
  std::size_t i = 0;
  while (std::getline(lines, line)) {
    REQUIRE(i < cases.size());
    std::istringstream ids(line);
    for (std::int32_t id; ids >> id;) cases[i].ids.push_back(id);
    ++i;
  }
  REQUIRE(i == cases.size());  // one .out line per case
  return cases;
}

// Encodes every case; returns the number that match exactly.
std::size_t run_cases(const lf::Tokenizer& tok, const std::vector<Case>& cases, const std::string& label) {
  std::size_t passed = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto got = tok.encode(cases[i].text, /*add_special=*/false, /*parse_special=*/false);
    INFO(label << " case " << i << ": \"" << cases[i].text << "\"");
    CHECK(got == cases[i].ids);
    if (got == cases[i].ids) ++passed;
  }
  std::cout << "[tokenizer vectors] " << label << ": " << passed << "/" << cases.size() << " cases match\n";
  return passed;
}

// decode(encode(x)) == x (exact: none of these cases changes under NFC).
void check_round_trip(const lf::Tokenizer& tok, const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    INFO("text: \"" << c.text << "\"");
    CHECK(tok.decode(tok.encode(c.text)) == c.text);
  }
}

const lf::Tokenizer& gguf_tokenizer(const std::string& name) {
  static std::map<std::string, std::unique_ptr<lf::Tokenizer>> cache;
  auto& slot = cache[name];
  if (!slot) {
    const auto file = lf::GgufFile::open(lf::test::shared_dir() + "/tokenizers/llama.cpp-vocab/" + name + ".gguf");
    slot = lf::make_tokenizer(lf::Vocabulary::from_gguf(file));
  }
  return *slot;
}

}  // namespace

TEST_CASE("llama.cpp vectors: gpt-2 from GGUF", "[tokenizers][vectors]") {
  if (!lf::test::have_shared()) { LF_SKIP("../shared not found"); }
  const auto cases = read_cases("ggml-vocab-gpt-2");
  REQUIRE(cases.size() == 46);
  const auto& tok = gguf_tokenizer("ggml-vocab-gpt-2");
  CHECK(tok.vocabulary().pre_tokenizer == "gpt-2");
  CHECK(run_cases(tok, cases, "gpt-2 (ggml-vocab-gpt-2.gguf)") == cases.size());
  check_round_trip(tok, cases);
}

TEST_CASE("llama.cpp vectors: gpt-2 from encoder.json + vocab.bpe", "[tokenizers][vectors]") {
  if (!lf::test::have_shared()) { LF_SKIP("../shared not found"); }
  const std::string dir = lf::test::shared_dir() + "/tokenizers/gpt2/";
  const auto tok = lf::make_tokenizer(lf::Vocabulary::from_gpt2_files(dir + "encoder.json", dir + "vocab.bpe"));
  const auto cases = read_cases("ggml-vocab-gpt-2");
  CHECK(run_cases(*tok, cases, "gpt-2 (encoder.json + vocab.bpe)") == cases.size());
  check_round_trip(*tok, cases);
  // Same vocabulary as the GGUF one.
  CHECK(tok->vocabulary().tokens == gguf_tokenizer("ggml-vocab-gpt-2").vocabulary().tokens);
}

TEST_CASE("llama.cpp vectors: llama-spm from GGUF", "[tokenizers][vectors]") {
  if (!lf::test::have_shared()) { LF_SKIP("../shared not found"); }
  const auto cases = read_cases("ggml-vocab-llama-spm");
  const auto& tok = gguf_tokenizer("ggml-vocab-llama-spm");
  CHECK(tok.adds_space_prefix());
  CHECK(run_cases(tok, cases, "llama-spm (ggml-vocab-llama-spm.gguf)") == cases.size());
  check_round_trip(tok, cases);
}

TEST_CASE("llama.cpp vectors: qwen2 from tokenizer.json", "[tokenizers][vectors]") {
  if (!lf::test::have_shared()) { LF_SKIP("../shared not found"); }
  const auto cases = read_cases("ggml-vocab-qwen2");
  const auto tok =
      lf::make_tokenizer(lf::Vocabulary::from_tokenizer_json(lf::test::shared_dir() + "/tokenizers/qwen2/tokenizer.json"));
  CHECK(tok->vocabulary().normalize_nfc);
  CHECK(run_cases(*tok, cases, "qwen2 (tokenizer.json)") == cases.size());
  check_round_trip(*tok, cases);
}

TEST_CASE("tokenizers: BOS is added only when the vocabulary says so", "[tokenizers]") {
  if (!lf::test::have_shared()) { LF_SKIP("../shared not found"); }
  const auto& spm = gguf_tokenizer("ggml-vocab-llama-spm");
  const auto& v = spm.vocabulary();
  REQUIRE(v.bos_id >= 0);
  CHECK(v.tokens[static_cast<std::size_t>(v.bos_id)] == "<s>");
  const auto plain = spm.encode("Hello world", false);
  const auto with_bos = spm.encode("Hello world", true);
  REQUIRE(with_bos.size() == plain.size() + (v.add_bos ? 1 : 0));
  if (v.add_bos) CHECK(with_bos.front() == v.bos_id);
  // decode drops the prefix space after BOS too.
  CHECK(spm.decode(with_bos, /*skip_special=*/true) == "Hello world");

  const auto& gpt2 = gguf_tokenizer("ggml-vocab-gpt-2");
  CHECK(gpt2.encode("Hello", true) == gpt2.encode("Hello", false));  // GPT-2 adds nothing
}
