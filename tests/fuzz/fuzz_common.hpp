// Shared helpers for the libFuzzer targets in tests/fuzz/.
//
// Convention: lf::Error is the expected outcome for hostile input and is
// caught by each target; any other exception, a sanitizer report or a
// broken invariant (fuzz_require) crashes the run so libFuzzer saves the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unistd.h>

#include "liveformer/core/error.hpp"
#include "liveformer/formats/gguf.hpp"
#include "liveformer/formats/tokenizer.hpp"
#include "liveformer/formats/vocabulary.hpp"

namespace lf::fuzz {

/// Aborts (so libFuzzer records the input) when an invariant does not hold.
inline void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
    std::abort();
  }
}

/// Reads every byte of `bytes`, so ASan sees any access outside the buffer.
inline void touch(std::span<const std::byte> bytes) {
  unsigned sum = 0;
  for (std::byte b : bytes) sum += static_cast<unsigned>(b);
  volatile unsigned sink = sum;
  (void)sink;
}

/// Committed fixtures (tests/data) and the shared third-party data.
inline std::filesystem::path data_dir() { return LF_FUZZ_DATA_DIR; }
inline std::filesystem::path shared_dir() { return LF_FUZZ_SHARED_DIR; }

/// A private scratch directory for this process, removed at exit.
inline const std::filesystem::path& scratch_dir() {
  static const std::filesystem::path dir = [] {
    std::string tmpl = (std::filesystem::temp_directory_path() / "lf-fuzz-XXXXXX").string();
    require(::mkdtemp(tmpl.data()) != nullptr, "cannot create a scratch directory");
    static const std::filesystem::path made = tmpl;
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(made, ec);
    });
    return made;
  }();
  return dir;
}

inline void write_file(const std::filesystem::path& path, std::span<const std::uint8_t> bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  require(out.good(), "cannot write a scratch file");
}

/// The tiny Qwen2 reference model's byte-level BPE tokenizer (built once).
inline const Tokenizer& qwen2_tokenizer() {
  static const std::unique_ptr<Tokenizer> t =
      make_tokenizer(Vocabulary::from_tokenizer_json(data_dir() / "models/qwen2/tokenizer.json"));
  return *t;
}

/// A SentencePiece (Llama) tokenizer: llama.cpp's ggml-vocab-llama-spm.gguf
/// from the shared data when present, else a small vocabulary built here
/// (single characters, a few merges, <0xNN> byte fallback, <s> </s> <unk>).
inline const Tokenizer& spm_tokenizer() {
  static const std::unique_ptr<Tokenizer> t = [] {
    const auto gguf = shared_dir() / "tokenizers/llama.cpp-vocab/ggml-vocab-llama-spm.gguf";
    if (std::filesystem::exists(gguf)) return make_tokenizer(Vocabulary::from_gguf(GgufFile::open(gguf.string())));
    Vocabulary v;
    v.model = TokenizerModel::sentencepiece;
    const auto add = [&](std::string text, float score, TokenType type) {
      v.tokens.push_back(std::move(text));
      v.scores.push_back(score);
      v.types.push_back(type);
    };
    add("<unk>", 0, TokenType::unknown);
    add("<s>", 0, TokenType::control);
    add("</s>", 0, TokenType::control);
    static const char* hex = "0123456789ABCDEF";
    for (int b = 0; b < 256; ++b) add(std::string("<0x") + hex[b >> 4] + hex[b & 15] + ">", 0, TokenType::byte);
    const char* pieces[] = {"\xE2\x96\x81", "a", "b", "c", "e", "h", "l", "o", "t", "\xE2\x96\x81t", "he",
                            "\xE2\x96\x81the", "ll", "llo", "\xE2\x96\x81he", "\xE2\x96\x81hello"};
    float score = -1;
    for (const char* p : pieces) add(p, score -= 1, TokenType::normal);
    v.unk_id = 0;
    v.bos_id = 1;
    v.eos_id = 2;
    v.add_bos = true;
    return make_tokenizer(std::move(v));
  }();
  return *t;
}

inline bool is_control(const Tokenizer& t, std::int32_t id) {
  return id >= 0 && static_cast<std::size_t>(id) < t.vocab_size() && t.vocabulary().type(id) == TokenType::control;
}

}  // namespace lf::fuzz
