// lf::Model::load and lf::forward on bad input: every failure must be an
// lf::Error whose message names the file and the specific problem, and a
// failed forward call must leave its KV cache as it was.
//
// GGUF cases start from a tiny valid llama-architecture model written with
// lf::GgufWriter; Hugging Face cases from copies of tests/data/models/<m>.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include <liveformer/model/forward.hpp>
#include <liveformer/model/kv_cache.hpp>
#include <liveformer/model/model.hpp>

#include "harness/compare.hpp"
#include "model/test_load_errors_fixture.hpp"

using Catch::Contains;
using lf::test::TempDir;
using lf::test::TinyGgufVariant;
using lf::test::TinyLlama;
namespace fs = std::filesystem;

// Loading `path` must throw an lf::Error whose message satisfies `matcher`.
#define CHECK_LOAD_FAILS(path, options, matcher)                       \
  do {                                                                 \
    CHECK_THROWS_AS(lf::Model::load((path), (options)), lf::Error);    \
    CHECK_THROWS_WITH(lf::Model::load((path), (options)), (matcher));  \
  } while (0)

namespace {

const lf::LoadOptions kDefault{};

// ---- GGUF helpers ----------------------------------------------------------

// Writes the valid tiny model's bytes, patched by `patch`, to dir/name.
fs::path write_patched(const TempDir& dir, const std::string& name,
                       const std::function<void(std::vector<std::byte>&)>& patch) {
  std::vector<std::byte> bytes = lf::test::tiny_llama_writer().to_bytes();
  patch(bytes);
  const fs::path p = dir / name;
  lf::test::write_bytes(p, bytes);
  return p;
}

// ---- Hugging Face helpers ----------------------------------------------------

// Copies tests/data/models/<model> (without the golden outputs) to dir/<model>.
fs::path copy_hf_model(const TempDir& dir, const std::string& model) {
  const fs::path src = fs::path(lf::test::test_data_dir()) / "models" / model;
  const fs::path dst = dir / model;
  fs::create_directories(dst);
  for (const auto& entry : fs::directory_iterator(src))
    if (entry.is_regular_file()) fs::copy_file(entry.path(), dst / entry.path().filename());
  return dst;
}

void edit_json(const fs::path& file, const std::function<void(nlohmann::json&)>& edit) {
  const std::vector<std::byte> bytes = lf::test::read_bytes(file);
  nlohmann::json j = nlohmann::json::parse(reinterpret_cast<const char*>(bytes.data()),
                                           reinterpret_cast<const char*>(bytes.data()) + bytes.size());
  edit(j);
  lf::test::write_text(file, j.dump(2));
}

// ---- an independent reference for one token at position 0 -----------------

// At position 0 RoPE is the identity and attention over one key returns its
// value, so the logits follow from the weights alone: RMSNorm, V, O,
// SwiGLU, final norm, output. Weights are regenerated from the fixture's
// generator, not read back through the loader.
std::vector<double> reference_first_token_logits(std::int32_t token) {
  using M = TinyLlama;
  auto w = [](const std::string& name, const lf::Shape& s, bool norm = false) {
    return lf::test::values(lf::test::tiny_weight(name, s, norm));
  };
  auto rms = [](const std::vector<double>& x, const std::vector<float>& g) {
    double ss = 0;
    for (double v : x) ss += v * v;
    const double inv = 1.0 / std::sqrt(ss / static_cast<double>(x.size()) + M::kEps);
    std::vector<double> y(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) y[i] = x[i] * inv * g[i];
    return y;
  };
  auto matvec = [](const std::vector<float>& m, std::int64_t rows, const std::vector<double>& x) {
    std::vector<double> y(static_cast<std::size_t>(rows), 0.0);
    const std::size_t cols = x.size();
    for (std::size_t r = 0; r < y.size(); ++r)
      for (std::size_t c = 0; c < cols; ++c) y[r] += m[r * cols + c] * x[c];
    return y;
  };
  const std::int64_t e = M::kEmbd, qd = M::kHeads * M::kHeadDim, kvd = M::kKvHeads * M::kHeadDim, ff = M::kFf;
  const auto embd = w("token_embd.weight", {M::kVocab, e});
  std::vector<double> x(embd.begin() + token * e, embd.begin() + (token + 1) * e);
  for (std::int64_t l = 0; l < M::kLayers; ++l) {
    const std::string b = "blk." + std::to_string(l) + ".";
    const auto h = rms(x, w(b + "attn_norm.weight", {e}, true));
    const auto v = matvec(w(b + "attn_v.weight", {kvd, e}), kvd, h);
    std::vector<double> attn(static_cast<std::size_t>(qd));
    const std::int64_t group = M::kHeads / M::kKvHeads;
    for (std::int64_t hq = 0; hq < M::kHeads; ++hq)
      for (std::int64_t d = 0; d < M::kHeadDim; ++d)
        attn[static_cast<std::size_t>(hq * M::kHeadDim + d)] = v[static_cast<std::size_t>((hq / group) * M::kHeadDim + d)];
    const auto o = matvec(w(b + "attn_output.weight", {e, qd}), e, attn);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] += o[i];
    const auto h2 = rms(x, w(b + "ffn_norm.weight", {e}, true));
    const auto g = matvec(w(b + "ffn_gate.weight", {ff, e}), ff, h2);
    const auto u = matvec(w(b + "ffn_up.weight", {ff, e}), ff, h2);
    std::vector<double> a(g.size());
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = g[i] / (1.0 + std::exp(-g[i])) * u[i];
    const auto down = matvec(w(b + "ffn_down.weight", {e, ff}), e, a);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] += down[i];
  }
  return matvec(w("output.weight", {M::kVocab, e}), M::kVocab, rms(x, w("output_norm.weight", {e}, true)));
}

// Every byte of every layer's K and V buffers.
std::vector<std::byte> cache_bytes(const lf::KvCache& cache) {
  std::vector<std::byte> out;
  for (std::int64_t l = 0; l < cache.n_layers(); ++l)
    for (const lf::Tensor* t : {&cache.keys(l), &cache.values(l)}) {
      const auto* p = static_cast<const std::byte*>(t->bytes());
      out.insert(out.end(), p, p + t->nbytes());
    }
  return out;
}

}  // namespace

// ---- positive controls -------------------------------------------------------

TEST_CASE("load errors: the valid tiny GGUF model loads and runs", "[model][load_errors]") {
  TempDir dir;
  const fs::path path = lf::test::write_tiny_llama(dir, "tiny.gguf");
  const lf::Model model = lf::Model::load(path);
  const lf::ModelConfig& c = model.config();
  CHECK(c.arch == lf::Architecture::llama);
  CHECK(c.vocab_size == TinyLlama::kVocab);
  CHECK(c.n_embd == TinyLlama::kEmbd);
  CHECK(c.n_layers == TinyLlama::kLayers);
  CHECK(c.n_heads == TinyLlama::kHeads);
  CHECK(c.n_kv_heads == TinyLlama::kKvHeads);
  CHECK(c.head_dim == TinyLlama::kHeadDim);
  CHECK(c.n_ff == TinyLlama::kFf);
  CHECK(c.n_ctx_train == TinyLlama::kCtx);
  CHECK_FALSE(c.tied_output);
  CHECK(model.info().format == "gguf");
  CHECK(model.info().eos_ids == std::vector<std::int32_t>{2});
  // "▁a" and "▁b" are pieces; add_special prepends <s> (llama default).
  CHECK(model.tokenizer().encode("a b", true) == std::vector<std::int32_t>{1, 6, 7});

  for (std::int32_t token : {1, 6}) {
    lf::KvCache cache(c, 4);
    lf::Workspace ws;
    const std::vector<std::int32_t> ids{token};
    const lf::Tensor logits = lf::forward(model, cache, ids, ws);
    REQUIRE(logits.shape() == lf::Shape{1, TinyLlama::kVocab});
    INFO("token " << token);
    CHECK(lf::test::relative_error(logits, reference_first_token_logits(token)) < 1e-5);
    CHECK(cache.size() == 1);
  }
}

TEST_CASE("load errors: an unaltered copy of each reference HF model loads", "[model][load_errors]") {
  TempDir dir;
  for (const char* m : {"gpt2", "llama", "qwen2"}) {
    INFO(m);
    const fs::path p = copy_hf_model(dir, m);
    CHECK_NOTHROW(lf::Model::load(p));
  }
}

// ---- GGUF: the file itself -------------------------------------------------------

TEST_CASE("load errors: truncated GGUF model", "[model][load_errors][gguf]") {
  TempDir dir;
  const std::size_t full = lf::test::tiny_llama_writer().to_bytes().size();
  SECTION("cut right after the header: the counts cannot fit") {
    const fs::path p = write_patched(dir, "cut_header.gguf", [](auto& b) { b.resize(100); });
    CHECK_LOAD_FAILS(p, kDefault, Contains(p.string()) && Contains("cannot fit in the 76 bytes after the header"));
  }
  SECTION("cut inside the tensor infos") {
    std::size_t cut = 0;
    const fs::path p = write_patched(dir, "cut_infos.gguf", [&](auto& b) {
      cut = lf::test::gguf_tensor_info_offset(b, "output.weight") + 6;  // inside ne[0]
      b.resize(cut);
    });
    CHECK_LOAD_FAILS(p, kDefault,
                     Contains(p.string()) && Contains("tensor 'output.weight'") &&
                         Contains("but the file ends at " + std::to_string(cut)));
  }
  SECTION("cut inside the tensor data") {
    const fs::path p = write_patched(dir, "cut_data.gguf", [&](auto& b) { b.resize(full - 16); });
    CHECK_LOAD_FAILS(p, kDefault,
                     Contains(p.string()) && Contains("output.weight") && Contains("extends past the end of the file"));
  }
  SECTION("empty file") {
    const fs::path p = dir / "empty.gguf";
    lf::test::write_text(p, "");
    CHECK_LOAD_FAILS(p, kDefault, Contains(p.string()) && Contains("too small to be a GGUF file"));
  }
}

TEST_CASE("load errors: wrong GGUF magic", "[model][load_errors][gguf]") {
  TempDir dir;
  const fs::path p = write_patched(dir, "magic.gguf", [](auto& b) { b[3] = std::byte{'X'}; });
  CHECK_LOAD_FAILS(p, kDefault, Contains(p.string()) && Contains("not a GGUF file") && Contains("GGUX"));
}

TEST_CASE("load errors: unsupported GGUF version", "[model][load_errors][gguf]") {
  TempDir dir;
  const fs::path p = write_patched(dir, "v4.gguf", [](auto& b) { lf::test::poke<std::uint32_t>(b, 4, 4); });
  CHECK_LOAD_FAILS(p, kDefault, Contains(p.string()) && Contains("GGUF version 4 is not supported"));
  const fs::path p1 = write_patched(dir, "v1.gguf", [](auto& b) { lf::test::poke<std::uint32_t>(b, 4, 1); });
  CHECK_LOAD_FAILS(p1, kDefault, Contains(p1.string()) && Contains("version 1 is not supported"));
}

TEST_CASE("load errors: GGUF tensor data beyond the end of the file", "[model][load_errors][gguf]") {
  TempDir dir;
  const fs::path p = write_patched(dir, "beyond.gguf", [](auto& b) {
    // name | u32 n_dims (2) | 2 x u64 ne | u32 type | u64 offset
    const std::size_t info = lf::test::gguf_tensor_info_offset(b, "output.weight");
    lf::test::poke<std::uint64_t>(b, info + 4 + 16 + 4, std::uint64_t{1} << 20);  // aligned, far past the end
  });
  CHECK_LOAD_FAILS(p, kDefault,
                   Contains(p.string()) && Contains("tensor 'output.weight'") && Contains("extends past the end of the file"));
}

TEST_CASE("load errors: absurd GGUF dimensions and counts", "[model][load_errors][gguf]") {
  TempDir dir;
  SECTION("tensor dimensions whose product overflows") {
    const fs::path p = write_patched(dir, "dims.gguf", [](auto& b) {
      const std::size_t info = lf::test::gguf_tensor_info_offset(b, "blk.0.attn_q.weight");
      lf::test::poke<std::uint64_t>(b, info + 4, std::uint64_t{1} << 40);
      lf::test::poke<std::uint64_t>(b, info + 12, std::uint64_t{1} << 40);
    });
    CHECK_LOAD_FAILS(p, kDefault, Contains(p.string()) && Contains("blk.0.attn_q.weight") && Contains("overflows int64"));
  }
  SECTION("a dimension above 2^63-1") {
    const fs::path p = write_patched(dir, "dim63.gguf", [](auto& b) {
      const std::size_t info = lf::test::gguf_tensor_info_offset(b, "blk.0.attn_q.weight");
      lf::test::poke<std::uint64_t>(b, info + 4, ~std::uint64_t{0});
    });
    CHECK_LOAD_FAILS(p, kDefault, Contains(p.string()) && Contains("blk.0.attn_q.weight") && Contains("exceeds 2^63-1"));
  }
  SECTION("tensor count") {
    const fs::path p = write_patched(dir, "ntensors.gguf",
                                     [](auto& b) { lf::test::poke<std::uint64_t>(b, 8, std::uint64_t{1} << 60); });
    CHECK_LOAD_FAILS(p, kDefault, Contains(p.string()) && Contains("tensor count 1152921504606846976 cannot fit"));
  }
  SECTION("metadata count") {
    const fs::path p = write_patched(dir, "nkv.gguf",
                                     [](auto& b) { lf::test::poke<std::uint64_t>(b, 16, ~std::uint64_t{0}); });
    CHECK_LOAD_FAILS(p, kDefault, Contains(p.string()) && Contains("metadata count 18446744073709551615 cannot fit"));
  }
  SECTION("array length of the token list") {
    const fs::path p = write_patched(dir, "ntokens.gguf", [](auto& b) {
      // key | u32 type (array) | u32 element type (string) | u64 count
      const std::size_t key = lf::test::gguf_tensor_info_offset(b, "tokenizer.ggml.tokens");
      lf::test::poke<std::uint64_t>(b, key + 8, std::uint64_t{1} << 62);
    });
    CHECK_LOAD_FAILS(p, kDefault,
                     Contains(p.string()) && Contains("tokenizer.ggml.tokens") && Contains("cannot fit in the"));
  }
}

// ---- GGUF: valid files that are not a usable model ------------------------------

TEST_CASE("load errors: GGUF model missing a tensor", "[model][load_errors][gguf]") {
  TempDir dir;
  for (const std::string& name : std::vector<std::string>{"blk.1.ffn_up.weight", "token_embd.weight", "output_norm.weight"}) {
    INFO(name);
    TinyGgufVariant v;
    v.omit_tensors.insert(name);
    const fs::path p = lf::test::write_tiny_llama(dir, "missing_" + name + ".gguf", v);
    CHECK_LOAD_FAILS(p, kDefault, Contains(p.string()) && Contains("missing tensor '" + name + "'"));
  }
}

TEST_CASE("load errors: GGUF tensor with the wrong shape for the architecture", "[model][load_errors][gguf]") {
  TempDir dir;
  TinyGgufVariant v;
  // K projection sized for 2 kv heads although the metadata says 1.
  v.tensor_shapes.emplace("blk.0.attn_k.weight", lf::Shape{8, TinyLlama::kEmbd});
  const fs::path p = lf::test::write_tiny_llama(dir, "shape.gguf", v);
  CHECK_LOAD_FAILS(p, kDefault,
                   Contains(p.string()) && Contains("tensor 'blk.0.attn_k.weight' has shape [8,8]") &&
                       Contains("needs [4,8]"));

  TinyGgufVariant v2;
  v2.tensor_shapes.emplace("blk.1.ffn_norm.weight", lf::Shape{TinyLlama::kEmbd, 1});
  const fs::path p2 = lf::test::write_tiny_llama(dir, "shape_rank.gguf", v2);
  CHECK_LOAD_FAILS(p2, kDefault, Contains(p2.string()) && Contains("blk.1.ffn_norm.weight") && Contains("needs [8]"));
}

TEST_CASE("load errors: unknown GGUF architecture", "[model][load_errors][gguf]") {
  TempDir dir;
  const fs::path p = dir / "mamba.gguf";
  lf::GgufWriter w = lf::test::tiny_llama_writer();
  w.set("general.architecture", "mamba");
  w.write(p.string());
  CHECK_LOAD_FAILS(p, kDefault, Contains(p.string()) && Contains("unsupported architecture 'mamba'"));
}

TEST_CASE("load errors: GGUF missing required metadata", "[model][load_errors][gguf]") {
  TempDir dir;
  for (const std::string& key : std::vector<std::string>{"llama.feed_forward_length", "llama.embedding_length", "general.architecture",
                                "llama.attention.layer_norm_rms_epsilon", "tokenizer.ggml.tokens"}) {
    INFO(key);
    TinyGgufVariant v;
    v.omit_keys.insert(key);
    const fs::path p = lf::test::write_tiny_llama(dir, "nokey_" + key + ".gguf", v);
    CHECK_LOAD_FAILS(p, kDefault, Contains(p.string()) && Contains("metadata key '" + key + "' not found"));
  }
}

TEST_CASE("load errors: GGUF metadata of the wrong type", "[model][load_errors][gguf]") {
  TempDir dir;
  const fs::path p = dir / "type.gguf";
  lf::GgufWriter w = lf::test::tiny_llama_writer();
  w.set("llama.block_count", "two");
  w.write(p.string());
  CHECK_LOAD_FAILS(p, kDefault, Contains(p.string()) && Contains("metadata key 'llama.block_count' is string"));
}

TEST_CASE("load errors: kv heads that do not divide the heads", "[model][load_errors][gguf]") {
  TempDir dir;
  const fs::path p = dir / "kvheads.gguf";
  lf::GgufWriter w = lf::test::tiny_llama_writer();
  w.set("llama.attention.head_count_kv", std::uint32_t{3});
  w.write(p.string());
  CHECK_LOAD_FAILS(p, kDefault, Contains(p.string()) && Contains("kv head count 3 does not divide head count 2"));

  const fs::path p0 = dir / "zeroheads.gguf";
  lf::GgufWriter w0 = lf::test::tiny_llama_writer();
  w0.set("llama.attention.head_count", std::uint32_t{0});
  w0.write(p0.string());
  CHECK_LOAD_FAILS(p0, kDefault, Contains(p0.string()) && Contains("head count must be positive, got 0"));
}

TEST_CASE("load errors: GGUF eos id outside the vocabulary", "[model][load_errors][gguf]") {
  TempDir dir;
  const fs::path p = dir / "eos.gguf";
  lf::GgufWriter w = lf::test::tiny_llama_writer();
  w.set("tokenizer.ggml.eos_token_id", std::uint32_t{50});
  w.write(p.string());
  CHECK_LOAD_FAILS(p, kDefault, Contains(p.string()) && Contains("eos id 50 out of range [0, 8)"));
}

TEST_CASE("load errors: GGUF RoPE scaling", "[model][load_errors][gguf]") {
  TempDir dir;
  const fs::path p = dir / "rope.gguf";
  lf::GgufWriter w = lf::test::tiny_llama_writer();
  w.set("llama.rope.scaling.type", "linear");
  w.write(p.string());
  CHECK_LOAD_FAILS(p, kDefault, Contains(p.string()) && Contains("RoPE scaling 'linear' is not supported"));
}

TEST_CASE("load errors: NaN weight", "[model][load_errors][gguf]") {
  TempDir dir;
  TinyGgufVariant v;
  v.nan_tensor = "blk.1.ffn_down.weight";
  const fs::path p = lf::test::write_tiny_llama(dir, "nan.gguf", v);
  CHECK_LOAD_FAILS(p, kDefault,
                   Contains(p.string()) && Contains("tensor 'blk.1.ffn_down.weight' holds a non-finite value") &&
                       Contains("at element 3"));
  // The scan is optional: without it the model loads (and NaN is the caller's risk).
  lf::LoadOptions unchecked;
  unchecked.check_finite = false;
  CHECK_NOTHROW(lf::Model::load(p, unchecked));
}

// ---- Hugging Face directories ------------------------------------------------------

TEST_CASE("load errors: HF malformed config.json", "[model][load_errors][hf]") {
  TempDir dir;
  const fs::path m = copy_hf_model(dir, "llama");
  lf::test::write_text(m / "config.json", "{\"model_type\": \"llama\", \"hidden_size\": 64,");
  CHECK_LOAD_FAILS(m, kDefault, Contains((m / "config.json").string()) && Contains("malformed JSON"));

  lf::test::write_text(m / "config.json", "[1, 2, 3]");
  CHECK_LOAD_FAILS(m, kDefault, Contains((m / "config.json").string()) && Contains("expected a JSON object"));
}

TEST_CASE("load errors: HF config.json field of the wrong type", "[model][load_errors][hf]") {
  TempDir dir;
  const fs::path m = copy_hf_model(dir, "llama");
  edit_json(m / "config.json", [](nlohmann::json& j) { j["hidden_size"] = "64"; });
  CHECK_LOAD_FAILS(m, kDefault,
                   Contains((m / "config.json").string()) && Contains("\"hidden_size\" must be an integer, got \"64\""));

  edit_json(m / "config.json", [](nlohmann::json& j) {
    j["hidden_size"] = 64;
    j["tie_word_embeddings"] = "no";
  });
  CHECK_LOAD_FAILS(m, kDefault, Contains((m / "config.json").string()) && Contains("\"tie_word_embeddings\" must be true or false"));
}

TEST_CASE("load errors: HF config.json missing a required field", "[model][load_errors][hf]") {
  TempDir dir;
  const fs::path m = copy_hf_model(dir, "qwen2");
  edit_json(m / "config.json", [](nlohmann::json& j) { j.erase("num_hidden_layers"); });
  CHECK_LOAD_FAILS(m, kDefault, Contains((m / "config.json").string()) && Contains("missing \"num_hidden_layers\""));
}

TEST_CASE("load errors: HF unsupported model_type", "[model][load_errors][hf]") {
  TempDir dir;
  const fs::path m = copy_hf_model(dir, "llama");
  edit_json(m / "config.json", [](nlohmann::json& j) { j["model_type"] = "mamba"; });
  CHECK_LOAD_FAILS(m, kDefault, Contains((m / "config.json").string()) && Contains("unsupported model_type 'mamba'"));
}

TEST_CASE("load errors: HF unsupported rope scaling", "[model][load_errors][hf]") {
  TempDir dir;
  const fs::path m = copy_hf_model(dir, "llama");
  SECTION("transformers 5 style: rope_parameters.rope_type") {
    edit_json(m / "config.json", [](nlohmann::json& j) {
      j["rope_parameters"] = {{"rope_theta", 10000.0}, {"rope_type", "yarn"}, {"factor", 4.0}};
    });
    CHECK_LOAD_FAILS(m, kDefault,
                     Contains((m / "config.json").string()) && Contains("RoPE scaling type 'yarn' is not supported"));
  }
  SECTION("legacy style: top-level rope_theta and rope_scaling") {
    edit_json(m / "config.json", [](nlohmann::json& j) {
      j.erase("rope_parameters");
      j["rope_theta"] = 10000.0;
      j["rope_scaling"] = {{"type", "linear"}, {"factor", 2.0}};
    });
    CHECK_LOAD_FAILS(m, kDefault,
                     Contains((m / "config.json").string()) && Contains("RoPE scaling type 'linear' is not supported"));
  }
  SECTION("rope_scaling is not an object") {
    edit_json(m / "config.json", [](nlohmann::json& j) { j["rope_scaling"] = "dynamic"; });
    CHECK_LOAD_FAILS(m, kDefault, Contains((m / "config.json").string()) && Contains("\"rope_scaling\" must be an object"));
  }
}

TEST_CASE("load errors: HF legacy rope_scaling next to default rope_parameters", "[model][load_errors][hf]") {
  // A config that still carries a legacy rope_scaling (llama3 / yarn) beside
  // a default rope_parameters must not silently load with plain RoPE.
  TempDir dir;
  const fs::path m = copy_hf_model(dir, "llama");
  edit_json(m / "config.json", [](nlohmann::json& j) { j["rope_scaling"] = {{"rope_type", "yarn"}, {"factor", 4.0}}; });
  CHECK_LOAD_FAILS(m, kDefault, Contains((m / "config.json").string()) && Contains("'yarn' is not supported"));
}

TEST_CASE("load errors: HF safetensors header larger than the file", "[model][load_errors][hf]") {
  TempDir dir;
  const fs::path m = copy_hf_model(dir, "gpt2");
  const fs::path st = m / "model.safetensors";
  std::vector<std::byte> bytes = lf::test::read_bytes(st);
  lf::test::poke<std::uint64_t>(bytes, 0, bytes.size() + 1000);
  lf::test::write_bytes(st, bytes);
  CHECK_LOAD_FAILS(m, kDefault, Contains(st.string()) && Contains("header length " + std::to_string(bytes.size() + 1000)));
}

TEST_CASE("load errors: HF directory without model.safetensors", "[model][load_errors][hf]") {
  TempDir dir;
  const fs::path m = copy_hf_model(dir, "qwen2");
  fs::remove(m / "model.safetensors");
  CHECK_LOAD_FAILS(m, kDefault, Contains(m.string()) && Contains("no safetensors model found"));
}

TEST_CASE("load errors: HF directory without a tokenizer", "[model][load_errors][hf]") {
  TempDir dir;
  const fs::path m = copy_hf_model(dir, "qwen2");
  fs::remove(m / "tokenizer.json");
  CHECK_LOAD_FAILS(m, kDefault, Contains(m.string()) && Contains("no tokenizer.json or tokenizer.model"));
}

TEST_CASE("load errors: HF lm_head missing while tie_word_embeddings is false", "[model][load_errors][hf]") {
  TempDir dir;
  // qwen2's checkpoint ties the output to the embedding and so has no lm_head.
  const fs::path m = copy_hf_model(dir, "qwen2");
  edit_json(m / "config.json", [](nlohmann::json& j) { j["tie_word_embeddings"] = false; });
  CHECK_LOAD_FAILS(m, kDefault,
                   Contains((m / "model.safetensors").string()) && Contains("missing tensor 'lm_head.weight'"));
}

TEST_CASE("load errors: HF eos id outside the vocabulary", "[model][load_errors][hf]") {
  TempDir dir;
  const fs::path m = copy_hf_model(dir, "llama");
  edit_json(m / "generation_config.json", [](nlohmann::json& j) { j["eos_token_id"] = {0, 5000}; });
  CHECK_LOAD_FAILS(m, kDefault, Contains(m.string()) && Contains("eos token id 5000 outside the vocabulary"));

  edit_json(m / "generation_config.json", [](nlohmann::json& j) { j["eos_token_id"] = -1; });
  CHECK_LOAD_FAILS(m, kDefault,
                   Contains((m / "generation_config.json").string()) && Contains("\"eos_token_id\" must hold token ids"));
}

TEST_CASE("load errors: HF vocab_size smaller than the embedding", "[model][load_errors][hf]") {
  TempDir dir;
  const fs::path m = copy_hf_model(dir, "gpt2");
  edit_json(m / "config.json", [](nlohmann::json& j) { j["vocab_size"] = 400; });
  CHECK_LOAD_FAILS(m, kDefault,
                   Contains((m / "model.safetensors").string()) && Contains("'transformer.wte.weight' has shape [402,64]") &&
                       Contains("needs [400,64]"));
}

// ---- paths -------------------------------------------------------------------------

TEST_CASE("load errors: path that does not exist", "[model][load_errors]") {
  TempDir dir;
  const fs::path p = dir / "no" / "such" / "model.gguf";
  CHECK_LOAD_FAILS(p, kDefault, Contains(p.string()) && Contains("no such file or directory"));
}

TEST_CASE("load errors: directory without config.json", "[model][load_errors]") {
  TempDir dir;
  const fs::path m = copy_hf_model(dir, "gpt2");
  fs::remove(m / "config.json");
  CHECK_LOAD_FAILS(m, kDefault, Contains(m.string()) && Contains("directory has no config.json"));
}

TEST_CASE("load errors: a file that is not a model", "[model][load_errors]") {
  TempDir dir;
  const fs::path txt = dir / "notes.txt";
  lf::test::write_text(txt, "hello, this is not a model\n");
  CHECK_LOAD_FAILS(txt, kDefault, Contains(txt.string()) && Contains("unrecognised model format"));
  // Named .gguf, so the GGUF reader says what is wrong with it.
  const fs::path fake = dir / "fake.gguf";
  lf::test::write_text(fake, "hello, this is not a model\n");
  CHECK_LOAD_FAILS(fake, kDefault, Contains(fake.string()) && Contains("not a GGUF file"));
}

// ---- forward on bad input ----------------------------------------------------------

TEST_CASE("load errors: forward past the KV cache capacity fails and leaves the cache alone", "[model][load_errors]") {
  TempDir dir;
  const lf::Model model = lf::Model::load(lf::test::write_tiny_llama(dir, "tiny.gguf"));
  lf::KvCache cache(model.config(), 4);
  lf::Workspace ws;
  const std::vector<std::int32_t> six{1, 6, 7, 6, 7, 6};
  const std::vector<std::byte> empty_state = cache_bytes(cache);
  CHECK_THROWS_AS(lf::forward(model, cache, six, ws), lf::Error);
  CHECK_THROWS_WITH(lf::forward(model, cache, six, ws),
                    Contains("context full") && Contains("0 cached + 6 new tokens") && Contains("context length 4"));
  CHECK(cache.size() == 0);
  CHECK(cache_bytes(cache) == empty_state);

  const std::vector<std::int32_t> three{1, 6, 7};
  lf::forward(model, cache, three, ws);
  REQUIRE(cache.size() == 3);
  const std::vector<std::byte> state = cache_bytes(cache);
  const std::vector<std::int32_t> two{6, 7};
  CHECK_THROWS_WITH(lf::forward(model, cache, two, ws), Contains("context full") && Contains("3 cached + 2 new tokens"));
  CHECK(cache.size() == 3);
  CHECK(cache_bytes(cache) == state);

  // In a batch, one overflowing sequence changes no cache at all.
  lf::KvCache other(model.config(), 8);
  const std::vector<lf::SequenceInput> batch{{&other, three, false}, {&cache, two, false}};
  CHECK_THROWS_WITH(lf::forward(model, batch, ws), Contains("context full"));
  CHECK(other.size() == 0);
  CHECK(cache.size() == 3);
  CHECK(cache_bytes(cache) == state);

  // The last free slot still works after the failures.
  const std::vector<std::int32_t> one{6};
  CHECK_NOTHROW(lf::forward(model, cache, one, ws));
  CHECK(cache.size() == 4);
}

TEST_CASE("load errors: forward with a token id outside the vocabulary", "[model][load_errors]") {
  TempDir dir;
  const lf::Model model = lf::Model::load(lf::test::write_tiny_llama(dir, "tiny.gguf"));
  lf::KvCache cache(model.config(), 8);
  lf::Workspace ws;
  const std::vector<std::byte> state = cache_bytes(cache);
  const std::vector<std::int32_t> too_big{1, TinyLlama::kVocab};
  CHECK_THROWS_AS(lf::forward(model, cache, too_big, ws), lf::Error);
  CHECK_THROWS_WITH(lf::forward(model, cache, too_big, ws), Contains("token id 8 outside the vocabulary [0, 8)"));
  const std::vector<std::int32_t> negative{-1};
  CHECK_THROWS_WITH(lf::forward(model, cache, negative, ws), Contains("token id -1 outside the vocabulary"));
  CHECK(cache.size() == 0);
  CHECK(cache_bytes(cache) == state);
}
