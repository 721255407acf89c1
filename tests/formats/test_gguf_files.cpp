// Real GGUF files from ../shared. Every expected value below was read with
// the independent Python reader (gguf-py 0.19, gguf.GGUFReader), not with
// liveformer: key values, token strings, tensor shapes, absolute data
// offsets, first elements and float64 sums of tensor data.
#include <catch2/catch.hpp>

#include "harness/skip.hpp"

#include <cmath>
#include <filesystem>

#include <liveformer/formats/gguf.hpp>

#include "harness/compare.hpp"

using lf::GgufFile;

namespace {

std::string shared_path(const std::string& rel) { return lf::test::shared_dir() + "/" + rel; }

double sum_of(const lf::Tensor& t) {
  double s = 0;
  for (float v : lf::test::values(t)) s += v;
  return s;
}

}  // namespace

TEST_CASE("gguf files: stories260K metadata and tensors match gguf-py", "[gguf][shared]") {
  if (!lf::test::have_shared()) {
    LF_SKIP("../shared not found");
  }
  const GgufFile f = GgufFile::open(shared_path("models/stories260K/stories260K.gguf"));
  CHECK(f.version() == 3);
  CHECK(f.metadata().size() == 19);
  CHECK(f.tensors().size() == 48);
  CHECK(f.alignment() == 32);

  CHECK(f.get_string("general.architecture") == "llama");
  CHECK(f.get_string("general.name") == "llama");
  CHECK(f.get_u32("llama.block_count") == 5);
  CHECK(f.get_u32("llama.embedding_length") == 64);
  CHECK(f.get_u32("llama.attention.head_count") == 8);
  CHECK(f.get_u32("llama.attention.head_count_kv") == 4);
  CHECK(f.get_u32("llama.feed_forward_length") == 172);
  CHECK(f.get_u32("llama.context_length") == 2048);
  CHECK(f.get_u32("llama.rope.dimension_count") == 8);
  CHECK(f.get_f32("llama.attention.layer_norm_rms_epsilon") == static_cast<float>(9.999999747378752e-06));
  CHECK(f.get_u32("tokenizer.ggml.bos_token_id") == 1);
  CHECK(f.get_u32("tokenizer.ggml.eos_token_id") == 2);
  CHECK(f.get_u32("tokenizer.ggml.padding_token_id") == 4294967295u);
  CHECK(f.get_string("tokenizer.ggml.model") == "llama");

  const auto& tokens = f.get_string_array("tokenizer.ggml.tokens");
  REQUIRE(tokens.size() == 512);
  CHECK(tokens[0] == "<unk>");
  CHECK(tokens[1] == "<s>");
  CHECK(tokens[2] == "</s>");
  CHECK(tokens[3] == "<0x00>");
  CHECK(tokens[100] == "<0x61>");
  CHECK(f.get_f32_array("tokenizer.ggml.scores").size() == 512);
  const auto types = f.get_i32_array("tokenizer.ggml.token_type");
  REQUIRE(types.size() == 512);
  CHECK(std::vector<std::int32_t>(types.begin(), types.begin() + 8) == std::vector<std::int32_t>{2, 3, 3, 6, 6, 6, 6, 6});

  // token_embd.weight: GGUF ne = [64, 512], so liveformer shape [512, 64].
  const lf::GgufTensorInfo* info = f.find_tensor("token_embd.weight");
  REQUIRE(info != nullptr);
  CHECK(info->n_dims == 2);
  CHECK(info->ne[0] == 64);
  CHECK(info->ne[1] == 512);
  CHECK(info->ggml_type == lf::kGgmlF32);
  CHECK(f.data_offset() + info->offset == 14176);
  CHECK(info->n_bytes == 131072);
  const lf::Tensor emb = f.tensor("token_embd.weight");
  CHECK(emb.shape() == lf::Shape{512, 64});
  CHECK(emb.dtype() == lf::DType::f32);
  CHECK(emb.data<float>()[0] == -0.29474878311157227f);
  CHECK(emb.data<float>()[1] == 0.5618956089019775f);
  CHECK(emb.data<float>()[2] == 0.1754225343465805f);
  CHECK(sum_of(emb) == Approx(-752.3677446640068).epsilon(1e-12));

  // More shapes, offsets and sums from gguf-py.
  struct Want {
    const char* name;
    lf::Shape shape;
    std::uint64_t abs_offset;
    double sum;
  };
  for (const Want& w : {Want{"output_norm.weight", {64}, 145248, 115.95276230573654},
                        Want{"blk.0.attn_k.weight", {32, 64}, 292960, -16.508645431225887},
                        Want{"blk.0.ffn_down.weight", {64, 172}, 370016, 2.412316798055599},
                        Want{"blk.0.ffn_gate.weight", {172, 64}, 325984, -2.7679814874386466}}) {
    INFO(w.name);
    const lf::GgufTensorInfo* ti = f.find_tensor(w.name);
    REQUIRE(ti != nullptr);
    CHECK(f.data_offset() + ti->offset == w.abs_offset);
    const lf::Tensor t = f.tensor(w.name);
    CHECK(t.shape() == w.shape);
    CHECK(sum_of(t) == Approx(w.sum).epsilon(1e-12));
  }
  CHECK(f.tensors().back().name == "blk.4.ffn_norm.weight");
  for (const auto& t : f.tensors()) CHECK(f.tensor(t).dtype() == lf::DType::f32);
}

TEST_CASE("gguf files: llama.cpp vocabulary-only files load with gguf-py's counts", "[gguf][shared]") {
  if (!lf::test::have_shared()) {
    LF_SKIP("../shared not found");
  }
  struct Want {
    const char* file;
    const char* model;
    std::size_t n_kv, n_tokens;
    const char* token_1000;
    const char* last_token;
  };
  for (const Want& w : {Want{"ggml-vocab-llama-spm.gguf", "llama", 22, 32000, "ied", "\xe7\xbb\x99"},  // "给"
                        Want{"ggml-vocab-baichuan.gguf", "llama", 18, 64000, "ress", "\xef\x87\xa9"},  // U+F1E9
                        Want{"ggml-vocab-gpt-2.gguf", "gpt2", 16, 50257, "ale", "<|endoftext|>"}}) {
    INFO(w.file);
    const GgufFile f = GgufFile::open(shared_path(std::string("tokenizers/llama.cpp-vocab/") + w.file));
    CHECK(f.version() == 3);
    CHECK(f.tensors().empty());
    CHECK(f.metadata().size() == w.n_kv);
    CHECK(f.get_string("tokenizer.ggml.model") == w.model);
    const auto& tokens = f.get_string_array("tokenizer.ggml.tokens");
    CHECK(tokens.size() == w.n_tokens);
    CHECK(tokens.at(1000) == w.token_1000);
    CHECK(tokens.back() == w.last_token);
    CHECK(f.get_i32_array("tokenizer.ggml.token_type").size() == w.n_tokens);
  }
  const GgufFile gpt2 = GgufFile::open(shared_path("tokenizers/llama.cpp-vocab/ggml-vocab-gpt-2.gguf"));
  const auto& merges = gpt2.get_string_array("tokenizer.ggml.merges");
  REQUIRE(merges.size() == 50000);
  CHECK(merges.front() == "\xc4\xa0 t");       // "Ġ t"
  CHECK(merges.back() == "\xc4\xa0g azed");    // "Ġg azed"
  CHECK(gpt2.get_u32("tokenizer.ggml.bos_token_id") == 50256);
  CHECK(gpt2.get_string("tokenizer.ggml.pre") == "gpt-2");
  const GgufFile spm = GgufFile::open(shared_path("tokenizers/llama.cpp-vocab/ggml-vocab-llama-spm.gguf"));
  CHECK(spm.get_bool("tokenizer.ggml.add_bos_token"));
  CHECK_FALSE(spm.get_bool("tokenizer.ggml.add_eos_token"));
  CHECK(spm.get_u32("llama.vocab_size") == 32000);
}
