// Hostile tokenizer files and prompts (issue 24):
//   class 4: a SentencePiece model's precompiled_charsmap is checked before
//            the sentencepiece library follows its offsets;
//   class 5: added tokens are matched in linear time (the automaton must
//            give exactly what trying every token at every position gives);
//   class 8: tokenizer.json errors name the field, PCRE2 errors say what.
#include <catch2/catch.hpp>

#include "harness/skip.hpp"

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include <liveformer/core/error.hpp>
#include <liveformer/formats/tokenizer.hpp>
#include <liveformer/formats/tokenizer_special.hpp>
#include <liveformer/formats/vocabulary.hpp>

using Catch::Contains;
namespace fs = std::filesystem;

namespace {

// ---- SentencePiece ----------------------------------------------------------

// A model trained with the default normalizer (nmt_nfkc), whose
// precompiled_charsmap is a real darts-clone trie; "" without spm_train.
std::string trained_model_bytes() {
  static const std::string bytes = [] {
    if (std::system("command -v spm_train >/dev/null 2>&1") != 0) return std::string();
    const fs::path dir = fs::temp_directory_path() / ("lf_hostile_spm_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    {
      std::ofstream corpus(dir / "corpus.txt");
      for (int r = 0; r < 30; ++r)
        corpus << "hello world live shopping ＡＢＣ ｶﾀｶﾅ 主播好美 今天的价格是99.9元\n"
               << "the price is low today and shipping is free ① ② ③\n";
    }
    const std::string cmd = "spm_train --input=" + (dir / "corpus.txt").string() + " --model_prefix=" +
                            (dir / "m").string() +
                            " --model_type=bpe --vocab_size=200 --character_coverage=1.0 --hard_vocab_limit=false"
                            " --minloglevel=2 >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) return std::string();
    std::ifstream in(dir / "m.model", std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    fs::remove_all(dir);
    return s.str();
  }();
  return bytes;
}

std::uint64_t varint(const std::string& b, std::size_t& pos) {
  std::uint64_t v = 0;
  for (int shift = 0; pos < b.size(); shift += 7) {
    const auto c = static_cast<unsigned char>(b[pos++]);
    v |= static_cast<std::uint64_t>(c & 0x7f) << shift;
    if (!(c & 0x80)) break;
  }
  return v;
}

// [begin, end) of the first length-delimited field `field` in b[from, to);
// `key_at` (if given) gets where its key starts.
std::pair<std::size_t, std::size_t> find_field(const std::string& b, std::size_t from, std::size_t to, int field,
                                               std::size_t* key_at = nullptr) {
  std::size_t pos = from;
  while (pos < to) {
    if (key_at) *key_at = pos;
    const std::uint64_t key = varint(b, pos);
    switch (key & 7) {
      case 0: varint(b, pos); break;
      case 1: pos += 8; break;
      case 5: pos += 4; break;
      case 2: {
        const std::size_t n = varint(b, pos);
        if (static_cast<int>(key >> 3) == field) return {pos, pos + n};
        pos += n;
        break;
      }
      default: FAIL("unexpected wire type");
    }
  }
  return {0, 0};
}

// Where the normalizer's precompiled_charsmap lies in the model bytes.
std::pair<std::size_t, std::size_t> charsmap_span(const std::string& model) {
  const auto spec = find_field(model, 0, model.size(), 3);
  REQUIRE(spec.second > spec.first);
  const auto blob = find_field(model, spec.first, spec.second, 2);
  REQUIRE(blob.second > blob.first + 8);
  return blob;
}

std::string encode_varint(std::uint64_t v) {
  std::string out;
  do {
    out += static_cast<char>((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
    v >>= 7;
  } while (v);
  return out;
}

// The trained model with its normalizer's charsmap replaced by `blob`.
std::string with_charsmap(const std::string& model, const std::string& blob) {
  std::size_t spec_key = 0, map_key = 0;
  const auto spec = find_field(model, 0, model.size(), 3, &spec_key);
  const auto map = find_field(model, spec.first, spec.second, 2, &map_key);
  const std::string new_spec = model.substr(spec.first, map_key - spec.first) + "\x12" + encode_varint(blob.size()) +
                               blob + model.substr(map.second, spec.second - map.second);
  return model.substr(0, spec_key) + "\x1a" + encode_varint(new_spec.size()) + new_spec + model.substr(spec.second);
}

// A hand-made darts-clone trie of 512 units: every unit not set here gets a
// label no base reaches (as darts-clone's builder does), the root's base is
// `root_base`, and the strings are "x\0".
struct HandTrie {
  std::vector<std::uint32_t> units;
  explicit HandTrie(std::uint32_t root_base) : units(512) {
    for (std::uint32_t i = 0; i < units.size(); ++i) units[i] = (i ^ 0xEE) & 0xFF;
    units[0] = root_base << 10;
  }
  // An edge from `base` on byte c to `child`, with a leaf (value 0) or not.
  void edge(std::uint32_t base, unsigned char c, std::uint32_t child, bool leaf) {
    units[base ^ c] = (((base ^ c) ^ child) << 10) | (leaf ? 0x100u : 0u) | c;
    if (leaf) units[child] = 1u << 31;  // the value unit: value 0, a label nothing matches
  }
  std::string blob() const {
    std::string b(4 + 4 * units.size(), '\0');
    const std::uint32_t size = static_cast<std::uint32_t>(4 * units.size());
    std::memcpy(b.data(), &size, 4);
    std::memcpy(b.data() + 4, units.data(), 4 * units.size());
    return b + std::string("x\0", 2);
  }
};

void put_u32(std::string& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + static_cast<std::size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xff);
}

std::string load_error(const std::string& model) {
  try {
    const auto tok = lf::load_sentencepiece_model_bytes(model, "test.model");
    tok->encode("hello ＡＢＣ world ①");
    tok->encode(std::string(40, 'a'));  // the hand-made tries' path
  } catch (const lf::Error& e) {
    return e.what();
  }
  return "";
}

// ---- added tokens -----------------------------------------------------------

// The definition: at each position the longest allowed token that matches.
std::vector<lf::AddedTokenMatcher::Fragment> reference_split(const lf::Vocabulary& v, std::string_view text,
                                                             bool parse_control) {
  std::vector<lf::AddedTokenMatcher::Fragment> out;
  std::size_t plain = 0, pos = 0;
  while (pos < text.size()) {
    std::int32_t best = -1;
    for (std::size_t i = 0; i < v.size(); ++i) {
      const auto t = v.types[i];
      if (t != lf::TokenType::user_defined && !(parse_control && t == lf::TokenType::control)) continue;
      if (text.substr(pos, v.tokens[i].size()) == v.tokens[i] &&
          (best < 0 || v.tokens[i].size() > v.tokens[static_cast<std::size_t>(best)].size()))
        best = static_cast<std::int32_t>(i);
    }
    if (best < 0) {
      ++pos;
      continue;
    }
    if (pos > plain) out.push_back({text.substr(plain, pos - plain), -1});
    out.push_back({v.tokens[static_cast<std::size_t>(best)], best});
    pos += v.tokens[static_cast<std::size_t>(best)].size();
    plain = pos;
  }
  if (plain < text.size()) out.push_back({text.substr(plain), -1});
  return out;
}

}  // namespace

TEST_CASE("hostile: a real precompiled_charsmap passes the check", "[tokenizers][hostile][sentencepiece]") {
  const std::string model = trained_model_bytes();
  if (model.empty()) { LF_SKIP("spm_train not installed"); }
  const auto blob = charsmap_span(model);
  INFO("charsmap of " << blob.second - blob.first << " bytes");
  const auto tok = lf::load_sentencepiece_model_bytes(model, "trained.model");
  // nmt_nfkc: fullwidth letters fold to ASCII, so the trie is really used.
  CHECK(tok->decode(tok->encode("ＡＢＣ")) == "ABC");
}

TEST_CASE("hostile: broken precompiled_charsmaps are errors, not crashes", "[tokenizers][hostile][sentencepiece]") {
  const std::string model = trained_model_bytes();
  if (model.empty()) { LF_SKIP("spm_train not installed"); }
  const auto [begin, end] = charsmap_span(model);
  SECTION("the trie size points 4 GB away") {
    std::string m = model;
    put_u32(m, begin, 0xFFFFFFF0u);
    CHECK_THAT(load_error(m), Contains("precompiled_charsmap"));
  }
  SECTION("the root's offset leaves the trie") {
    std::string m = model;
    put_u32(m, begin + 4, (0x3FFFFFu << 10) | (1u << 9));  // offset 2^30 - 256 units
    CHECK_THAT(load_error(m), Contains("precompiled_charsmap") && Contains("trie reaches unit"));
  }
  SECTION("a 9-byte model file") {
    const std::string tiny("\x1a\x07\x12\x05\xf0\xff\xff\xff\x00", 9);
    CHECK_THAT(load_error(tiny), Contains("precompiled_charsmap"));
  }
  SECTION("a hand-made trie that is fine") {
    HandTrie t(256);
    t.edge(256, 'a', 300, true);
    CHECK(load_error(with_charsmap(model, t.blob())).empty());
  }
  SECTION("a trie with a cycle (every search would run to the end of the input)") {
    HandTrie t(256);
    t.edge(256, 'a', 256, false);
    CHECK_THAT(load_error(with_charsmap(model, t.blob())), Contains("trie has a cycle"));
  }
  SECTION("a path with more matches than sentencepiece's 32-entry result array") {
    HandTrie t(257);
    for (std::uint32_t k = 1; k <= 40; ++k) t.edge(256 + k, 'a', 256 + k + 1, true);
    CHECK_THAT(load_error(with_charsmap(model, t.blob())), Contains("more than 32 rules"));
  }
  SECTION("150 random corruptions of the trie") {
    std::mt19937 rng(24);
    int refused = 0;
    for (int trial = 0; trial < 150; ++trial) {
      std::string m = model;
      const std::size_t trie_end = std::min(end, begin + 4 + 4096);
      for (int k = 0; k < 4; ++k) {
        const std::size_t at = begin + 4 + rng() % (trie_end - begin - 4);
        m[at] = static_cast<char>(rng());
      }
      if (!load_error(m).empty()) ++refused;  // either refused or it encodes safely
    }
    INFO(refused << " of 150 refused");
    CHECK(refused > 0);
  }
}

TEST_CASE("hostile: added tokens match as the longest-first definition says", "[tokenizers][hostile][added]") {
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    lf::Vocabulary v;
    v.tokens = {"a", "b", "<", ">"};
    v.types.assign(4, lf::TokenType::normal);
    const int n = 1 + static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) {
      std::string t;
      const int len = 1 + static_cast<int>(rng() % 5);
      for (int j = 0; j < len; ++j) t += "<a>b"[rng() % 4];
      if (std::find(v.tokens.begin(), v.tokens.end(), t) != v.tokens.end()) continue;
      v.tokens.push_back(t);
      v.types.push_back(rng() % 2 ? lf::TokenType::control : lf::TokenType::user_defined);
    }
    const lf::AddedTokenMatcher matcher(v);
    std::string text;
    const int len = static_cast<int>(rng() % 40);
    for (int j = 0; j < len; ++j) text += "<a>bc"[rng() % 5];
    for (const bool control : {true, false}) {
      INFO("text '" << text << "', parse_control " << control);
      const auto got = matcher.split(text, control);
      const auto want = reference_split(v, text, control);
      REQUIRE(got.size() == want.size());
      for (std::size_t i = 0; i < got.size(); ++i) {
        CHECK(got[i].text == want[i].text);
        CHECK(got[i].id == want[i].id);
      }
    }
    bool any = false;
    for (const auto& f : reference_split(v, text, true)) any = any || f.id >= 0;
    CHECK(matcher.contains_any(text) == any);
  }
}

TEST_CASE("hostile: many added tokens sharing a prefix stay linear", "[tokenizers][hostile][added]") {
  // A small version of the benchmark's worst case (bench_hostile_input):
  // 20k tokens starting with '<' and 64 KB of '<'. Trying every candidate
  // at every position was 1.3 G comparisons here; the automaton does 64 K
  // steps. No timing is asserted (CI machines vary); the result is.
  lf::Vocabulary v;
  v.tokens = {"<", "a"};
  v.types = {lf::TokenType::normal, lf::TokenType::normal};
  for (int i = 0; i < 20000; ++i) {
    v.tokens.push_back("<" + std::to_string(i) + ">");
    v.types.push_back(lf::TokenType::user_defined);
  }
  const lf::AddedTokenMatcher matcher(v);
  const std::string text(64 * 1024, '<');
  const auto fragments = matcher.split(text + "<123>", true);
  REQUIRE(fragments.size() == 2);
  CHECK(fragments[0].text.size() == text.size());
  CHECK(fragments[1].id == 2 + 123);
}

TEST_CASE("hostile: tokenizer.json structure errors name the field", "[tokenizers][hostile][messages]") {
  const fs::path dir = fs::temp_directory_path() / ("lf_hostile_tok_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const auto error_for = [&](const std::string& json) {
    std::ofstream(dir / "tokenizer.json") << json;
    try {
      lf::Vocabulary::from_tokenizer_json(dir / "tokenizer.json");
    } catch (const lf::Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  const std::string model = R"("model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": )";
  CHECK_THAT(error_for("{" + model + R"([7]}, "decoder": {"type": "ByteLevel"}})"), Contains("\"model.merges\""));
  CHECK_THAT(error_for("{" + model + R"([]}, "pre_tokenizer": {"type": "Sequence"}})"),
             Contains("\"pre_tokenizer\"") && Contains("pretokenizers"));
  CHECK_THAT(error_for("{" + model + R"([]}, "added_tokens": [{"id": 5}]})"), Contains("\"added_tokens\""));
  CHECK_THAT(error_for(R"({"model": {"type": "BPE", "vocab": [1, 2], "merges": []}})"), Contains("\"model.vocab\""));
  fs::remove_all(dir);
}

TEST_CASE("hostile: PCRE2 match errors carry PCRE2's own message", "[tokenizers][hostile][messages]") {
  lf::Vocabulary v =
      lf::Vocabulary::from_tokenizer_json(fs::path(LIVEFORMER_TEST_DATA_DIR) / "models" / "qwen2" / "tokenizer.json");
  // Nested quantifiers: exponential backtracking ends at PCRE2's match limit.
  v.split_pattern = "(?:(?:a|aa)+)+$";
  v.pre_tokenizer = "tokenizer.json";
  try {
    const auto tok = lf::make_bpe_tokenizer(v);
    tok->encode(std::string(40, 'a') + "!");
    WARN("no PCRE2 error raised by this PCRE2 build; nothing to check");
  } catch (const lf::Error& e) {
    CHECK_THAT(std::string(e.what()), Contains("match limit exceeded") && Contains("(PCRE2 error -47)"));
  }
}
