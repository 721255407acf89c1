// lf::write_gguf: Hugging Face models converted to GGUF must load back with
// the same config and tokenizer and reproduce transformers' logits; GGUF
// files must survive load -> write -> load bit for bit.
//
// Set LIVEFORMER_CONVERT_OUT=<dir> to keep the converted tiny models
// (<dir>/<model>.gguf, f32) for tools/reference/check_converted_gguf.py.
#include <algorithm>
#include <catch2/catch.hpp>

#include "harness/skip.hpp"
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include <liveformer/core/convert.hpp>
#include <liveformer/formats/gguf.hpp>
#include <liveformer/formats/safetensors.hpp>
#include <liveformer/model/convert.hpp>
#include <liveformer/model/forward.hpp>
#include <liveformer/runtime/generator.hpp>

#include "model/reference_models.hpp"

using namespace lf;
using namespace lf::test;
namespace fs = std::filesystem;

namespace {

// transformers computes in f32 with other summation orders; the same bound
// as the HF-directory tests (tests/model/test_models.cpp). Measured: at most
// 1.3e-6 through GGUF and through the HF directory alike.
constexpr double kF32Tolerance = 1e-4;

// Where converted files go: $LIVEFORMER_CONVERT_OUT (kept), else a fresh
// temporary directory removed at the end of the test case.
class OutputDir {
 public:
  OutputDir() {
    if (const char* env = std::getenv("LIVEFORMER_CONVERT_OUT"); env && *env) {
      dir_ = env;
      keep_ = true;
    } else {
      std::random_device rd;
      dir_ = fs::temp_directory_path() / ("liveformer-convert-" + std::to_string(rd()) + std::to_string(rd()));
    }
    fs::create_directories(dir_);
  }
  ~OutputDir() {
    std::error_code ec;
    if (!keep_) fs::remove_all(dir_, ec);
  }
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;
  fs::path operator/(const std::string& name) const { return dir_ / name; }

 private:
  fs::path dir_;
  bool keep_ = false;
};

std::shared_ptr<const Model> load(const fs::path& p) { return std::make_shared<const Model>(Model::load(p)); }

std::vector<std::int32_t> greedy(std::shared_ptr<const Model> m, const std::vector<std::int32_t>& prompt, int n) {
  const std::int64_t context = std::min<std::int64_t>(128, m->config().n_ctx_train);  // GPT-2: 64 positions
  Generator gen(std::move(m), context);
  GenerateOptions opt;
  opt.max_new_tokens = n;
  opt.sampling.temperature = 0;
  opt.stop_at_eos = false;
  return gen.generate(std::span<const std::int32_t>(prompt), opt).tokens;
}

void check_same_config(const ModelConfig& got, const ModelConfig& want) {
  CHECK(got.arch == want.arch);
  CHECK(got.vocab_size == want.vocab_size);
  CHECK(got.n_embd == want.n_embd);
  CHECK(got.n_layers == want.n_layers);
  CHECK(got.n_heads == want.n_heads);
  CHECK(got.n_kv_heads == want.n_kv_heads);
  CHECK(got.head_dim == want.head_dim);
  CHECK(got.n_ff == want.n_ff);
  CHECK(got.n_ctx_train == want.n_ctx_train);
  CHECK(got.norm_eps == want.norm_eps);
  CHECK(got.rope_theta == want.rope_theta);
  CHECK(got.rotary_dim == want.rotary_dim);
  CHECK(got.tied_output == want.tied_output);
}

void check_same_vocabulary(const Vocabulary& got, const Vocabulary& want) {
  CHECK(got.model == want.model);
  CHECK(got.tokens == want.tokens);
  for (std::size_t i = 0; i < want.size(); ++i) {
    const auto id = static_cast<std::int32_t>(i);
    if (got.type(id) != want.type(id)) FAIL_CHECK("token " << i << " changed type");
  }
  CHECK(got.scores == want.scores);
  CHECK(got.merges == want.merges);
  CHECK(got.split_pattern == want.split_pattern);
  CHECK(got.normalize_nfc == want.normalize_nfc);
  CHECK(got.ignore_merges == want.ignore_merges);
  CHECK(got.bos_id == want.bos_id);
  CHECK(got.eos_id == want.eos_id);
  CHECK(got.unk_id == want.unk_id);
  CHECK(got.pad_id == want.pad_id);
  CHECK(got.add_bos == want.add_bos);
  CHECK(got.add_eos == want.add_eos);
  CHECK(got.add_space_prefix == want.add_space_prefix);
}

std::vector<float> row(const Tensor& m, std::int64_t r) {
  const Tensor x = m.select(0, r).contiguous();
  return {x.data<float>(), x.data<float>() + x.numel()};
}

}  // namespace

TEST_CASE("write_gguf: tiny HF models reproduce transformers through GGUF", "[model][convert]") {
  OutputDir out;
  for (const std::string& name : reference_model_names()) {
    INFO(name);
    const auto hf = load(reference_model_dir(name));
    const fs::path file = out / (name + ".gguf");
    write_gguf(*hf, file);
    const auto gg = load(file);

    check_same_config(gg->config(), hf->config());
    // The loader reads GGUF "llama" as interleaved RoPE (hence the q/k
    // permutation); Qwen2 stays rotate-half.
    if (name == "llama") {
      CHECK(hf->config().rope_layout == RopeLayout::RotateHalf);
      CHECK(gg->config().rope_layout == RopeLayout::Interleaved);
    } else {
      CHECK(gg->config().rope_layout == hf->config().rope_layout);
    }
    check_same_vocabulary(gg->tokenizer().vocabulary(), hf->tokenizer().vocabulary());
    CHECK(gg->info().format == "gguf");
    CHECK(gg->info().weight_type == "f32");
    CHECK(gg->info().chat_template == hf->info().chat_template);
    CHECK(gg->info().eos_ids == hf->info().eos_ids);

    for (const GoldenPrompt& p : golden_prompts(name)) {
      INFO(p.name);
      const Tensor want = load_npy_tensor(p.logits);
      const Tensor from_hf = full_logits(*hf, p.input_ids);
      const Tensor from_gguf = full_logits(*gg, p.input_ids);
      REQUIRE(from_gguf.shape() == want.shape());
      const double err_hf = relative_error(from_hf, want), err_gguf = relative_error(from_gguf, want);
      CAPTURE(err_hf, err_gguf);
      CHECK(err_hf <= kF32Tolerance);
      CHECK(err_gguf <= kF32Tolerance);
      // Same weights, same kernels: only llama's RoPE layout differs, which
      // reorders the q.k sums (measured <= 7e-7); the others are bit-exact.
      const double err_same = relative_error(from_gguf, from_hf);
      CAPTURE(err_same);
      if (name == "llama")
        CHECK(err_same <= 1e-5);
      else
        CHECK(values(from_gguf) == values(from_hf));
      CHECK(greedy(gg, p.input_ids, 20) == p.greedy_20);
    }
  }
}

TEST_CASE("write_gguf: tensors carry llama.cpp's names, layouts and q/k row order", "[model][convert]") {
  OutputDir out;
  // Compared with the safetensors files directly, not with the HF loader.
  const auto st = [](const std::string& model) {
    return SafetensorsFile::open((reference_model_dir(model) / "model.safetensors").string());
  };

  SECTION("llama: q/k rows go from rotate-half to interleaved order per head") {
    write_gguf(Model::load(reference_model_dir("llama")), out / "llama.gguf");
    const GgufFile g = GgufFile::open((out / "llama.gguf").string());
    const SafetensorsFile s = st("llama");
    CHECK(g.get_string("general.architecture") == "llama");
    CHECK(g.get_u32("llama.rope.dimension_count") == 8);
    CHECK(g.get_f32("llama.rope.freq_base") == 10000.0f);
    CHECK(g.get_f32("llama.attention.layer_norm_rms_epsilon") == 1e-5f);
    CHECK(g.get_string("tokenizer.ggml.pre") == "gpt-2");
    CHECK_FALSE(g.has("llama.attention.key_length"));  // head_dim 8 == 64 / 8
    const std::int64_t d = 8;
    for (const auto& [hf_name, gguf_name, heads] :
         {std::tuple{"q_proj", "attn_q", 8}, std::tuple{"k_proj", "attn_k", 2}}) {
      for (int layer = 0; layer < 2; ++layer) {
        const std::string l = std::to_string(layer);
        const Tensor want = s.tensor("model.layers." + l + ".self_attn." + hf_name + ".weight");
        const Tensor got = g.tensor("blk." + l + "." + gguf_name + ".weight");
        REQUIRE(got.shape() == want.shape());
        for (std::int64_t h = 0; h < heads; ++h)
          for (std::int64_t i = 0; i < d / 2; ++i) {
            CHECK(row(got, h * d + 2 * i) == row(want, h * d + i));
            CHECK(row(got, h * d + 2 * i + 1) == row(want, h * d + i + d / 2));
          }
      }
    }
    // Everything else is copied unchanged.
    CHECK(values(g.tensor("blk.1.attn_v.weight")) == values(s.tensor("model.layers.1.self_attn.v_proj.weight")));
    CHECK(values(g.tensor("output.weight")) == values(s.tensor("lm_head.weight")));
    CHECK(values(g.tensor("blk.0.ffn_down.weight")) == values(s.tensor("model.layers.0.mlp.down_proj.weight")));
  }

  SECTION("qwen2: rotate-half kept, biases kept, output tied") {
    write_gguf(Model::load(reference_model_dir("qwen2")), out / "qwen2.gguf");
    const GgufFile g = GgufFile::open((out / "qwen2.gguf").string());
    const SafetensorsFile s = st("qwen2");
    CHECK(g.get_string("general.architecture") == "qwen2");
    CHECK(g.get_f32("qwen2.rope.freq_base") == 1e6f);
    CHECK(values(g.tensor("blk.0.attn_q.weight")) == values(s.tensor("model.layers.0.self_attn.q_proj.weight")));
    CHECK(values(g.tensor("blk.0.attn_k.bias")) == values(s.tensor("model.layers.0.self_attn.k_proj.bias")));
    CHECK(g.find_tensor("output.weight") == nullptr);
    CHECK(g.get_string("tokenizer.chat_template").find("<|im_start|>") != std::string::npos);
    CHECK(g.get_u32("tokenizer.ggml.eos_token_id") == 401);
  }

  SECTION("gpt2: Conv1D weights become [out, in]") {
    write_gguf(Model::load(reference_model_dir("gpt2")), out / "gpt2.gguf");
    const GgufFile g = GgufFile::open((out / "gpt2.gguf").string());
    const SafetensorsFile s = st("gpt2");
    CHECK(g.get_string("general.architecture") == "gpt2");
    CHECK(g.get_f32("gpt2.attention.layer_norm_epsilon") == 1e-5f);
    CHECK_FALSE(g.has("gpt2.rope.freq_base"));
    const Tensor qkv = g.tensor("blk.0.attn_qkv.weight");
    const Tensor c_attn = s.tensor("transformer.h.0.attn.c_attn.weight");  // [in 64, out 192]
    REQUIRE(qkv.shape() == Shape{192, 64});
    CHECK(values(qkv) == values(c_attn.transpose(0, 1)));
    CHECK(values(g.tensor("position_embd.weight")) == values(s.tensor("transformer.wpe.weight")));
    CHECK(values(g.tensor("blk.1.ffn_down.bias")) == values(s.tensor("transformer.h.1.mlp.c_proj.bias")));
  }
}

TEST_CASE("write_gguf: f16, bf16, q8_0 and q4_0 matrices", "[model][convert]") {
  OutputDir out;
  // Two references per file: transformers' f32 logits (the error is the
  // rounding of the weights, and for q8_0 / q4_0 of the activations the
  // integer kernels round to 8 bits, amplified by these tiny random models:
  // their weights are N(0, 0.2^2), far from trained), and the model read back
  // from an f32 file with its matrices rounded to the same type in memory
  // and kept in it: the same bytes through the same code, so the logits
  // must agree exactly (the layouts are checked against transformers in
  // f32 above).
  // Worst measured relative error against transformers over all prompts
  // (gcc 12, x86-64), gpt2 / llama / qwen2:
  //   f16  7.1e-4 / 1.8e-3 / 1.5e-3     bf16 5.3e-3 / 1.3e-2 / 1.2e-2
  //   q8_0 2.6e-2 / 4.9e-2 / 5.0e-2     q4_0 2.9e-1 / 5.4e-1 / 5.4e-1
  // (q8_0 / q4_0 include the 8-bit rounding of activations.)
  // The tolerances are 2 to 3x the worst; the ratios between types
  // follow their step sizes (f16 2^-11 relative, bf16 2^-8, q8_0 absmax/127
  // per 32 weights, q4_0 absmax/8). q4_0's bound only rules out garbage:
  // the same-rounding reference is what checks its file.
  struct Case {
    DType type;
    std::uint32_t ggml_type;
    double tolerance;
  };
  const Case cases[] = {
      {DType::f16, kGgmlF16, 5e-3},
      {DType::bf16, kGgmlBF16, 3.5e-2},
      {DType::q8_0, kGgmlQ8_0, 1e-1},
      {DType::q4_0, kGgmlQ4_0, 1.4},
  };
  for (const Case& k : cases) {
    const std::string type_name(dtype_name(k.type));
    for (const std::string& name : reference_model_names()) {
      INFO(name << " as " << type_name);
      const Model hf = Model::load(reference_model_dir(name));
      const fs::path file = out / (name + "-" + type_name + ".gguf");
      write_gguf(hf, file, k.type);

      const GgufFile g = GgufFile::open(file.string());
      CHECK(g.find_tensor("blk.0.attn_output.weight")->ggml_type == k.ggml_type);
      CHECK(g.find_tensor("token_embd.weight")->ggml_type == k.ggml_type);
      CHECK(g.find_tensor("blk.0.attn_norm.weight")->ggml_type == kGgmlF32);
      if (name == "gpt2") CHECK(g.find_tensor("position_embd.weight")->ggml_type == kGgmlF32);
      if (name == "qwen2") CHECK(g.find_tensor("blk.0.attn_q.bias")->ggml_type == kGgmlF32);
      // llama's ffn_down rows have 172 elements, not a multiple of 32.
      const bool f16_fallback = name == "llama" && is_quantized(k.type);
      if (name == "llama")
        CHECK(g.find_tensor("blk.0.ffn_down.weight")->ggml_type == (f16_fallback ? kGgmlF16 : k.ggml_type));
      CHECK(g.get_u32("general.file_type") == std::map<DType, std::uint32_t>{
                {DType::f16, 1}, {DType::bf16, 32}, {DType::q8_0, 7}, {DType::q4_0, 2}}.at(k.type));

      // The same rounding applied in memory, matrix by matrix, to the model
      // read back from an f32 GGUF file: the same layouts (llama's permuted
      // q/k rows sum q . k in another order, and with 8-bit activations an
      // ulp can move a rounding step), so only the types differ.
      const fs::path f32_file = out / (name + "-f32.gguf");
      write_gguf(hf, f32_file);
      const Model base = Model::load(f32_file);
      const auto round = [&](const Tensor& t) {
        const DType type = t.dim(1) % dtype_info(k.type).block_size == 0 ? k.type : DType::f16;
        Tensor q = Tensor::empty(t.shape(), type);
        for (std::int64_t r = 0; r < t.dim(0); ++r)
          from_f32_row(type, t.data<float>() + r * t.dim(1), q.bytes() + dtype_bytes(type, r * t.dim(1)), t.dim(1));
        return q;  // kept in its type, so the same kernels (and, for block types, the same q8_0 rounding of x) run
      };
      ModelWeights w = base.weights();
      w.token_embd = round(w.token_embd);
      for (LayerWeights& l : w.layers)
        for (Tensor* t : {&l.wqkv, &l.wq, &l.wk, &l.wv, &l.wo, &l.w_gate, &l.w_up, &l.w_down})
          if (t->defined() && t->numel() > 0) *t = round(*t);
      w.output = base.config().tied_output ? w.token_embd : round(w.output);
      const Model rounded(base.config(), w, make_tokenizer(base.tokenizer().vocabulary()), base.info());

      // Stored layouts, as `rounded` runs: packed copies sum in another f32
      // order (tested in test_ops), and an ulp in x can move x's q8_0 rounding
      // in the next block product by a whole step.
      LoadOptions stored;
      stored.pack = false;
      const auto m = std::make_shared<const Model>(Model::load(file, stored));
      CHECK(m->info().weight_type == (f16_fallback ? "mixed" : type_name));
      double worst = 0;
      for (const GoldenPrompt& p : golden_prompts(name)) {
        INFO(p.name);
        const Tensor got = full_logits(*m, p.input_ids);
        worst = std::max(worst, relative_error(got, load_npy_tensor(p.logits)));
        const double err = relative_error(got, full_logits(rounded, p.input_ids));
        CAPTURE(err);
        CHECK(err == 0.0);
      }
      CAPTURE(worst);
      CHECK(worst <= k.tolerance);
      CHECK(worst > 0);  // the matrices really were rounded
    }
  }
}

TEST_CASE("write_gguf: stories260K survives load -> write -> load bit for bit", "[model][convert][shared]") {
  if (!have_shared()) {
    LF_SKIP("../shared not found");
  }
  const fs::path src = fs::path(shared_dir()) / "models" / "stories260K" / "stories260K.gguf";
  if (!fs::exists(src)) {
    LF_SKIP("" << src.string() << " not found");
  }
  OutputDir out;
  const auto a = load(src);
  write_gguf(*a, out / "stories260K.gguf");
  const auto b = load(out / "stories260K.gguf");

  check_same_config(b->config(), a->config());
  CHECK(b->config().rope_layout == a->config().rope_layout);  // already interleaved: no permutation
  check_same_vocabulary(b->tokenizer().vocabulary(), a->tokenizer().vocabulary());
  CHECK(b->info().eos_ids == a->info().eos_ids);

  const std::vector<std::int32_t> prompt = a->tokenizer().encode("Once upon a time, a little dog", true);
  CHECK(b->tokenizer().encode("Once upon a time, a little dog", true) == prompt);
  CHECK(values(full_logits(*b, prompt)) == values(full_logits(*a, prompt)));

  const std::vector<std::int32_t> bos{a->tokenizer().vocabulary().bos_id};
  const auto want = greedy(a, bos, 50);
  CHECK(want.size() == 50);
  CHECK(greedy(b, bos, 50) == want);

  // The converted file is the original's tensors under the original names.
  const GgufFile fa = GgufFile::open(src.string()), fb = GgufFile::open((out / "stories260K.gguf").string());
  CHECK(fb.tensors().size() == fa.tensors().size());
  for (const GgufTensorInfo& t : fa.tensors()) {
    INFO(t.name);
    const GgufTensorInfo* u = fb.find_tensor(t.name);
    REQUIRE(u != nullptr);
    CHECK(u->shape() == t.shape());
    CHECK(values(fb.tensor(*u)) == values(fa.tensor(t)));
  }
}

TEST_CASE("write_gguf: models GGUF cannot express are refused", "[model][convert]") {
  OutputDir out;
  const Model hf = Model::load(reference_model_dir("qwen2"));

  SECTION("a pre-tokenizer regex with no llama.cpp name") {
    Vocabulary v = hf.tokenizer().vocabulary();
    v.split_pattern = "\\s+|\\S+";
    const Model m(hf.config(), hf.weights(), make_tokenizer(v), hf.info());
    CHECK_THROWS_WITH(write_gguf(m, out / "x.gguf"), Catch::Contains("has no tokenizer.ggml.pre name"));
    CHECK_FALSE(fs::exists(out / "x.gguf"));
  }
  SECTION("qwen2 regex without Qwen2's NFC normalizer") {
    Vocabulary v = hf.tokenizer().vocabulary();
    v.split_pattern = pretokenizer_patterns::qwen2;
    v.normalize_nfc = false;
    const Model m(hf.config(), hf.weights(), make_tokenizer(v), hf.info());
    CHECK_THROWS_WITH(write_gguf(m, out / "x.gguf"), Catch::Contains("nfc off"));
  }
  SECTION("missing weights") {
    ModelWeights w = hf.weights();
    w.layers[1].wk = Tensor();
    const Model m(hf.config(), w, make_tokenizer(hf.tokenizer().vocabulary()), hf.info());
    CHECK_THROWS_WITH(write_gguf(m, out / "x.gguf"), Catch::Contains("blk.1.attn_k.weight"));
  }
  SECTION("a directory that does not exist") {
    CHECK_THROWS_AS(write_gguf(hf, out / "no" / "such" / "dir" / "x.gguf"), lf::Error);
  }
}

namespace {

// The tiny Llama with random q/k/v/o biases (attention_bias=true).
Model llama_with_biases() {
  const Model hf = Model::load(reference_model_dir("llama"));
  const ModelConfig& c = hf.config();
  std::mt19937 rng(7);
  std::normal_distribution<float> dist(0.0f, 0.1f);
  const auto bias = [&](std::int64_t n) {
    std::vector<float> v(static_cast<std::size_t>(n));
    for (float& x : v) x = dist(rng);
    return Tensor::from(v, {n});
  };
  ModelWeights w = hf.weights();
  for (LayerWeights& l : w.layers) {
    l.bq = bias(c.n_heads * c.head_dim);
    l.bk = bias(c.n_kv_heads * c.head_dim);
    l.bv = bias(c.n_kv_heads * c.head_dim);
    l.bo = bias(c.n_embd);
  }
  return Model(c, w, make_tokenizer(hf.tokenizer().vocabulary()), hf.info());
}

}  // namespace

TEST_CASE("write_gguf: Llama q/k biases are permuted with their rows", "[model][convert]") {
  OutputDir out;
  const Model biased = llama_with_biases();
  write_gguf(biased, out / "llama-bias.gguf");
  // The file's biases, put by hand into the GGUF model, must give the
  // biased model's logits (independent of how the loader reads them).
  const GgufFile g = GgufFile::open((out / "llama-bias.gguf").string());
  const Model back = Model::load(out / "llama-bias.gguf");
  ModelWeights w = back.weights();
  for (std::size_t i = 0; i < w.layers.size(); ++i) {
    const std::string b = "blk." + std::to_string(i) + ".";
    w.layers[i].bq = g.tensor(b + "attn_q.bias");
    w.layers[i].bk = g.tensor(b + "attn_k.bias");
    w.layers[i].bv = g.tensor(b + "attn_v.bias");
    w.layers[i].bo = g.tensor(b + "attn_output.bias");
  }
  const Model patched(back.config(), w, make_tokenizer(back.tokenizer().vocabulary()), back.info());
  for (const GoldenPrompt& p : golden_prompts("llama")) {
    const double err = relative_error(full_logits(patched, p.input_ids), full_logits(biased, p.input_ids));
    CAPTURE(p.name, err);
    CHECK(err <= 1e-5);
  }
}

TEST_CASE("write_gguf: Llama attention biases survive GGUF", "[model][convert]") {
  // Through the loader: blk.N.attn_{q,k,v,output}.bias are optional for
  // GGUF "llama" (llama.cpp's attention_bias models).
  OutputDir out;
  const Model biased = llama_with_biases();
  write_gguf(biased, out / "llama-bias.gguf");
  const Model back = Model::load(out / "llama-bias.gguf");
  const std::vector<std::int32_t> ids = golden_prompts("llama").front().input_ids;
  const double err = relative_error(full_logits(back, ids), full_logits(biased, ids));
  CAPTURE(err);
  CHECK(err <= 1e-5);
}

TEST_CASE("write_gguf: a tokenizer smaller than the embeddings is padded", "[model][convert]") {
  // As Qwen2's checkpoints: more embedding rows than tokenizer entries.
  OutputDir out;
  const Model hf = Model::load(reference_model_dir("gpt2"));
  Vocabulary v = hf.tokenizer().vocabulary();
  v.tokens.resize(400);  // drop <|im_start|> / <|im_end|> (ids 400, 401)
  if (!v.types.empty()) v.types.resize(400);
  const Model small(hf.config(), hf.weights(), make_tokenizer(v), hf.info());
  write_gguf(small, out / "padded.gguf");

  const Model back = Model::load(out / "padded.gguf");
  const Vocabulary& got = back.tokenizer().vocabulary();
  REQUIRE(got.size() == 402);
  CHECK(got.tokens[401] == "[PAD401]");
  CHECK(got.type(400) == TokenType::unused);
  CHECK(std::vector<std::string>(got.tokens.begin(), got.tokens.begin() + 400) == v.tokens);
  const GoldenPrompt p = golden_prompts("gpt2").front();  // zh_price: ids < 400
  CHECK(back.tokenizer().encode("主播好！这个多少钱？") == p.input_ids);
  CHECK(values(full_logits(back, p.input_ids)) == values(full_logits(small, p.input_ids)));
}
