// Tokenizer throughput on long inputs (1, 4 and 10 MB), so that time
// growing faster than the input shows as falling bytes_per_second. Texts:
// live-comment style mixed Chinese / English / emoji / digits; one unbroken
// run of Chinese characters (a single pre-token of megabytes, the worst
// case for the merge loops); whitespace only (for the pre-tokenizer regex).
// Run:
//   build/benchmarks/liveformer_bench --benchmark_filter=tokenize
// Tokenizers: byte-level BPE from ../shared/tokenizers/qwen2/tokenizer.json
// (the real Qwen2 vocabulary; LIVEFORMER_SHARED overrides the location), or
// the tiny test model's tokenizer.json without it; SentencePiece from the
// demo model that ships in models/.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <liveformer/formats/gguf.hpp>
#include <liveformer/formats/tokenizer.hpp>

namespace {

namespace fs = std::filesystem;

fs::path shared_dir() {
  const char* env = std::getenv("LIVEFORMER_SHARED");
  return env ? fs::path(env) : fs::path(LIVEFORMER_SOURCE_DIR) / ".." / "shared";
}

const lf::Tokenizer& bpe() {
  static const std::unique_ptr<lf::Tokenizer> tok = [] {
    fs::path path = shared_dir() / "tokenizers" / "qwen2" / "tokenizer.json";
    if (!fs::exists(path)) path = fs::path(LIVEFORMER_SOURCE_DIR) / "tests" / "data" / "models" / "qwen2" / "tokenizer.json";
    return lf::make_tokenizer(lf::Vocabulary::from_tokenizer_json(path));
  }();
  return *tok;
}

const lf::Tokenizer& spm() {
  static const std::unique_ptr<lf::Tokenizer> tok = [] {
    const lf::GgufFile f = lf::GgufFile::open(LIVEFORMER_SOURCE_DIR "/models/liveformer-demo-zh.gguf");
    return lf::make_tokenizer(lf::Vocabulary::from_gguf(f));
  }();
  return *tok;
}

// Cuts `s` to at most `n` bytes without splitting a UTF-8 character.
std::string cut_utf8(std::string s, std::size_t n) {
  if (s.size() <= n) return s;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  s.resize(n);
  return s;
}

// Live-room comments: random picks from Chinese phrases, English words,
// emoji, numbers and punctuation, with spaces and line breaks between.
std::string mixed_text(std::size_t bytes) {
  static const std::vector<std::string> pieces = {
      "这个多少钱", "主播好美", "包邮吗", "有没有优惠券", "已下单", "什么时候发货", "尺码偏大还是偏小", "哈哈哈哈",
      "666", "yyds", "awsl", "OMG", "so cute", "link please", "how much", "is it waterproof?", "😍", "🔥🔥", "👍",
      "🎉", "❤️", "2024", "99元", "¥199", "50%", "！！", "？？", "，", "。", "~", "...", " ", " ", "\n"};
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
  std::string s;
  s.reserve(bytes + 64);
  while (s.size() < bytes) s += pieces[pick(rng)];
  return cut_utf8(std::move(s), bytes);
}

// Random CJK ideographs with nothing between them: one pre-token.
std::string unbroken_chinese(std::size_t bytes) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<std::uint32_t> cp(0x4E00, 0x9FA5);
  std::string s;
  s.reserve(bytes + 4);
  while (s.size() < bytes) {
    const std::uint32_t c = cp(rng);  // three UTF-8 bytes
    s += static_cast<char>(0xE0 | (c >> 12));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
  }
  return cut_utf8(std::move(s), bytes);
}

// Only spaces, tabs and line breaks: the regex's whitespace rules backtrack.
std::string whitespace_only(std::size_t bytes) {
  static const char* const pieces[] = {" ", " ", "  ", "\n", "\t", "\r\n"};
  std::mt19937 rng(13);
  std::uniform_int_distribution<int> pick(0, 5);
  std::string s;
  s.reserve(bytes + 4);
  while (s.size() < bytes) s += pieces[pick(rng)];
  return cut_utf8(std::move(s), bytes);
}

void BM_tokenize(benchmark::State& st, const lf::Tokenizer& (*tokenizer)(), std::string (*make_text)(std::size_t)) {
  const lf::Tokenizer& tok = tokenizer();
  const std::string text = make_text(static_cast<std::size_t>(st.range(0)) << 20);
  std::size_t n_tokens = 0;
  for (auto _ : st) {
    const std::vector<std::int32_t> ids = tok.encode(text, false, false);
    n_tokens = ids.size();
    benchmark::DoNotOptimize(ids.data());
  }
  st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * text.size()));
  st.counters["tokens"] = static_cast<double>(n_tokens);
}

#define LF_TOKENIZE_SIZES ->Arg(1)->Arg(4)->Arg(10)->Unit(benchmark::kMillisecond)->MinTime(1.0)
BENCHMARK_CAPTURE(BM_tokenize, bpe_mixed, bpe, mixed_text) LF_TOKENIZE_SIZES;
BENCHMARK_CAPTURE(BM_tokenize, bpe_unbroken, bpe, unbroken_chinese) LF_TOKENIZE_SIZES;
BENCHMARK_CAPTURE(BM_tokenize, bpe_whitespace, bpe, whitespace_only) LF_TOKENIZE_SIZES;
BENCHMARK_CAPTURE(BM_tokenize, spm_mixed, spm, mixed_text) LF_TOKENIZE_SIZES;
BENCHMARK_CAPTURE(BM_tokenize, spm_unbroken, spm, unbroken_chinese) LF_TOKENIZE_SIZES;

}  // namespace
