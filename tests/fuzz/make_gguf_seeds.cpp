// Writes small valid GGUF files as seeds for fuzz_gguf_file, with the
// library's own GgufWriter: every metadata value type, every loadable
// tensor type, a non-default alignment, and BPE and SentencePiece
// tokenizer metadata. usage: make_gguf_seeds OUTPUT_DIR
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "liveformer/core/convert.hpp"
#include "liveformer/core/error.hpp"
#include "liveformer/core/tensor.hpp"
#include "liveformer/formats/gguf.hpp"

namespace {

using lf::GgufWriter;

// GPT-2's byte -> unicode alphabet (printable bytes map to themselves, the
// rest to U+0100 onwards), the characters a byte-level BPE vocabulary needs.
std::vector<std::string> byte_level_alphabet() {
  std::vector<std::string> out;
  int next = 256;
  for (int b = 0; b < 256; ++b) {
    const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
    const int cp = printable ? b : next++;
    std::string s;
    if (cp < 0x80) {
      s += static_cast<char>(cp);
    } else {
      s += static_cast<char>(0xC0 | (cp >> 6));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    }
    out.push_back(s);
  }
  return out;
}

lf::Tensor converted(const std::vector<float>& values, const lf::Shape& shape, lf::DType dtype) {
  lf::Tensor t = lf::Tensor::empty(shape, dtype);
  lf::from_f32_row(dtype, values.data(), t.bytes(), t.numel());
  return t;
}

GgufWriter tensors_file(std::uint32_t alignment) {
  GgufWriter w(alignment);
  w.set("general.architecture", "llama");
  w.set("general.name", "fuzz seed");
  w.set("u8", std::uint8_t{1});
  w.set("i8", std::int8_t{-2});
  w.set("u16", std::uint16_t{3});
  w.set("i16", std::int16_t{-4});
  w.set("u32", std::uint32_t{5});
  w.set("i32", std::int32_t{-6});
  w.set("f32", 7.5f);
  w.set("bool", true);
  w.set("u64", std::uint64_t{9});
  w.set("i64", std::int64_t{-10});
  w.set("f64", 11.25);
  w.set("ints", std::vector<std::int32_t>{1, 2, 3});
  w.set("floats", std::vector<float>{0.5f, -1.5f});
  w.set("strings", std::vector<std::string>{"a", "bc", ""});
  w.set("nested", std::vector<lf::GgufArray>{lf::GgufArray{std::vector<std::uint8_t>{1, 2}},
                                              lf::GgufArray{std::vector<std::string>{"x"}}});
  std::vector<float> values(6);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i) - 2.5f;
  w.add_tensor("f32", lf::Tensor::from(values, lf::Shape{2, 3}));
  w.add_tensor("f16", converted(values, lf::Shape{6}, lf::DType::f16));
  w.add_tensor("bf16", converted(values, lf::Shape{3, 2}, lf::DType::bf16));
  static std::vector<std::byte> q8(34, std::byte{1}), q4(18, std::byte{0x21});
  const std::uint64_t ne32[] = {32};
  w.add_raw_tensor("q8_0", lf::kGgmlQ8_0, ne32, q8);
  w.add_raw_tensor("q4_0", lf::kGgmlQ4_0, ne32, q4);
  return w;
}

// One tensor of each read-only block type the loader accepts (K-quants and
// the legacy 32-blocks), so mutations reach their size and decode checks.
GgufWriter block_types_file() {
  GgufWriter w;
  struct Raw {
    const char* name;
    std::uint32_t type;
    std::uint64_t block, bytes;
  };
  const Raw raws[] = {{"q4_1", lf::kGgmlQ4_1, 32, 20},  {"q5_0", lf::kGgmlQ5_0, 32, 22},   {"q5_1", lf::kGgmlQ5_1, 32, 24},
                      {"iq4_nl", lf::kGgmlIQ4_NL, 32, 18}, {"q2_k", lf::kGgmlQ2_K, 256, 84}, {"q3_k", lf::kGgmlQ3_K, 256, 110},
                      {"q4_k", lf::kGgmlQ4_K, 256, 144}, {"q5_k", lf::kGgmlQ5_K, 256, 176}, {"q6_k", lf::kGgmlQ6_K, 256, 210}};
  static std::vector<std::vector<std::byte>> payloads;  // the writer keeps views of them
  payloads.reserve(std::size(raws));
  for (const Raw& r : raws) {
    payloads.emplace_back(r.bytes, std::byte{0x3c});  // f16 0x3c3c is a finite scale wherever it falls
    const std::uint64_t ne[] = {r.block};
    w.add_raw_tensor(r.name, r.type, ne, payloads.back());
  }
  return w;
}

GgufWriter bpe_vocab_file() {
  GgufWriter w;
  std::vector<std::string> tokens = byte_level_alphabet();
  std::vector<std::int32_t> types(tokens.size(), 1);
  for (const char* t : {"he", "ll", "hell", "hello", "\xC4\xA0w", "or", "\xC4\xA0wor"}) {
    tokens.push_back(t);
    types.push_back(1);
  }
  tokens.push_back("<|endoftext|>");
  types.push_back(3);
  tokens.push_back("<|user|>");
  types.push_back(4);
  w.set("tokenizer.ggml.model", "gpt2");
  w.set("tokenizer.ggml.pre", "qwen2");
  w.set("tokenizer.ggml.tokens", tokens);
  w.set("tokenizer.ggml.token_type", types);
  w.set("tokenizer.ggml.merges", std::vector<std::string>{"h e", "l l", "he ll", "hell o", "\xC4\xA0 w", "o r", "\xC4\xA0w or"});
  w.set("tokenizer.ggml.bos_token_id", std::uint32_t(tokens.size() - 2));
  w.set("tokenizer.ggml.eos_token_id", std::uint32_t(tokens.size() - 2));
  return w;
}

GgufWriter spm_vocab_file() {
  GgufWriter w;
  std::vector<std::string> tokens{"<unk>", "<s>", "</s>"};
  std::vector<std::int32_t> types{2, 3, 3};
  std::vector<float> scores{0, 0, 0};
  static const char* hex = "0123456789ABCDEF";
  for (int b = 0; b < 256; ++b) {
    tokens.push_back(std::string("<0x") + hex[b >> 4] + hex[b & 15] + ">");
    types.push_back(6);
    scores.push_back(0);
  }
  float score = 0;
  for (const char* t : {"\xE2\x96\x81", "h", "e", "l", "o", "he", "ll", "\xE2\x96\x81he", "llo", "\xE2\x96\x81hello"}) {
    tokens.push_back(t);
    types.push_back(1);
    scores.push_back(score -= 1);
  }
  w.set("tokenizer.ggml.model", "llama");
  w.set("tokenizer.ggml.tokens", tokens);
  w.set("tokenizer.ggml.scores", scores);
  w.set("tokenizer.ggml.token_type", types);
  w.set("tokenizer.ggml.bos_token_id", std::uint32_t{1});
  w.set("tokenizer.ggml.eos_token_id", std::uint32_t{2});
  w.set("tokenizer.ggml.unknown_token_id", std::uint32_t{0});
  w.set("tokenizer.ggml.add_bos_token", true);
  return w;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  try {
    GgufWriter().write(dir + "/empty.gguf");
    tensors_file(32).write(dir + "/tensors.gguf");
    tensors_file(64).write(dir + "/tensors_align64.gguf");
    block_types_file().write(dir + "/block_types.gguf");
    bpe_vocab_file().write(dir + "/vocab_bpe.gguf");
    spm_vocab_file().write(dir + "/vocab_spm.gguf");
  } catch (const lf::Error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
