// lf::write_gguf: a loaded model as a GGUF file under llama.cpp's names.
#include <algorithm>
#include <string>
#include <system_error>
#include <unordered_set>
#include <vector>

#include "liveformer/core/convert.hpp"
#include "liveformer/formats/gguf.hpp"
#include "liveformer/model/convert.hpp"

namespace lf {
namespace {

// llama.cpp's llama_ftype for a file whose matrices are all `type`.
std::uint32_t file_type_of(DType type) {
  switch (type) {
    case DType::f32: return 0;
    case DType::f16: return 1;
    case DType::q4_0: return 2;
    case DType::q8_0: return 7;
    case DType::bf16: return 32;
    default: return 0;  // read-only types: write_gguf refuses them first
  }
}

// A contiguous f32 copy or view of any tensor.
Tensor as_f32(const Tensor& t) { return t.dtype() == DType::f32 ? t.contiguous() : t.to_f32(); }

// `t` (f32) re-encoded row by row as `type`.
Tensor encode(const Tensor& t, DType type) {
  const Tensor src = as_f32(t);
  if (type == DType::f32) return src;
  Tensor out = Tensor::empty(src.shape(), type);
  const std::int64_t n = src.shape().back(), rows = src.shape().rows();
  const std::int64_t row_bytes = dtype_bytes(type, n);
  for (std::int64_t r = 0; r < rows; ++r) from_f32_row(type, src.data<float>() + r * n, out.bytes() + r * row_bytes, n);
  return out;
}

// Reorders the rotary rows of each head between RoPE layouts. A row is an
// index along dimension 0 (a matrix's output row or a bias element).
// Rotate-half pairs (i, i + r/2); interleaved pairs (2i, 2i + 1):
// interleaved row 2i + j = rotate-half row j * r/2 + i, as llama.cpp's
// permute() (reshape [heads, 2, r/2], swap the last two axes).
Tensor permute_rope_rows(const Tensor& w, std::int64_t n_heads, std::int64_t head_dim, std::int64_t rot,
                         bool to_interleaved) {
  LF_CHECK(w.rank() >= 1 && w.dim(0) == n_heads * head_dim && rot % 2 == 0 && rot <= head_dim, "write_gguf",
           "cannot permute RoPE rows of " + w.shape().str() + " as " + std::to_string(n_heads) + " heads of " +
               std::to_string(head_dim) + " (rotary " + std::to_string(rot) + ")");
  const Tensor src = as_f32(w);
  Tensor out = src.clone();
  const std::int64_t cols = src.numel() / src.dim(0), half = rot / 2;
  const float* s = src.data<float>();
  float* d = out.data<float>();
  for (std::int64_t h = 0; h < n_heads; ++h)
    for (std::int64_t i = 0; i < half; ++i)
      for (std::int64_t j = 0; j < 2; ++j) {
        const std::int64_t inter = h * head_dim + 2 * i + j, neox = h * head_dim + j * half + i;
        const std::int64_t to = to_interleaved ? inter : neox, from = to_interleaved ? neox : inter;
        std::copy(s + from * cols, s + (from + 1) * cols, d + to * cols);
      }
  return out;
}

// llama.cpp's tokenizer.ggml.pre for a byte-level BPE vocabulary: the name
// from_gguf maps back to exactly this regex, NFC and ignore_merges.
std::string pre_tokenizer_name(const Vocabulary& v, const std::string& where) {
  struct Known {
    const char* name;
    const char* pattern;
    bool nfc;
    bool ignore_merges;
  };
  const Known known[] = {
      {"gpt-2", pretokenizer_patterns::gpt2, false, false},
      {"default", pretokenizer_patterns::gpt2, false, false},
      {"qwen2", pretokenizer_patterns::qwen2, true, false},
      {"llama-bpe", pretokenizer_patterns::llama3, false, true},
      {"llama3", pretokenizer_patterns::llama3, false, true},
  };
  const auto fits = [&](const Known& k) {
    return v.split_pattern == k.pattern && v.normalize_nfc == k.nfc && v.ignore_merges == k.ignore_merges;
  };
  for (const Known& k : known)  // keep the vocabulary's own name ("default") if it fits
    if (v.pre_tokenizer == k.name && fits(k)) return k.name;
  for (const Known& k : known)
    if (fits(k)) return k.name;
  throw_error(where, "the tokenizer's pre-tokenizer ('" + v.pre_tokenizer + "', regex '" + v.split_pattern +
                         "', nfc " + (v.normalize_nfc ? "on" : "off") + ", ignore_merges " +
                         (v.ignore_merges ? "on" : "off") +
                         ") has no tokenizer.ggml.pre name (supported: gpt-2, qwen2, llama-bpe)");
}

void add_tokenizer(GgufWriter& w, const Model& model, const std::string& where) {
  const Vocabulary& v = model.tokenizer().vocabulary();
  const bool bpe = v.model == TokenizerModel::byte_level_bpe;
  w.set("tokenizer.ggml.model", bpe ? "gpt2" : "llama");
  if (bpe) w.set("tokenizer.ggml.pre", pre_tokenizer_name(v, where));
  std::vector<std::string> tokens = v.tokens;
  std::vector<std::int32_t> types(v.size(), static_cast<std::int32_t>(TokenType::normal));
  for (std::size_t i = 0; i < v.types.size(); ++i) types[i] = static_cast<std::int32_t>(v.types[i]);
  std::vector<float> scores = v.scores;
  // llama.cpp takes n_vocab from the token list, so embeddings beyond the
  // tokenizer (Qwen2 pads 151665 tokens to 151936) get unused placeholder
  // tokens, named as convert_hf_to_gguf.py names them.
  const auto n_vocab = static_cast<std::size_t>(model.config().vocab_size);
  if (tokens.size() < n_vocab) {
    const std::unordered_set<std::string> taken(tokens.begin(), tokens.end());
    for (std::size_t id = tokens.size(); id < n_vocab; ++id) {
      std::string pad = "[PAD" + std::to_string(id) + "]";
      LF_CHECK(!taken.contains(pad), where.c_str(), "cannot pad the vocabulary: token '" + pad + "' already exists");
      tokens.push_back(std::move(pad));
      types.push_back(static_cast<std::int32_t>(TokenType::unused));
      if (!scores.empty()) scores.push_back(-1000.0f);  // never preferred by SentencePiece
    }
  }
  w.set("tokenizer.ggml.tokens", std::move(tokens));
  w.set("tokenizer.ggml.token_type", std::move(types));
  if (!scores.empty()) w.set("tokenizer.ggml.scores", std::move(scores));
  if (bpe) {
    std::vector<std::string> merges;
    merges.reserve(v.merges.size());
    for (const auto& [a, b] : v.merges) {
      // "a b" splits at the first space after a's first byte.
      LF_CHECK(!a.empty() && !b.empty() && a.find(' ', 1) == std::string::npos, where.c_str(),
               "merge ('" + a + "', '" + b + "') cannot be written as \"a b\"");
      merges.push_back(a + " " + b);
    }
    w.set("tokenizer.ggml.merges", std::move(merges));
  }

  // EOS: the tokenizer's, else the model's first; one further model EOS id
  // travels as eot_token_id, which the GGUF loader adds to the stop ids.
  std::int32_t eos = v.eos_id;
  const std::vector<std::int32_t>& eos_ids = model.info().eos_ids;
  if (eos < 0 && !eos_ids.empty()) eos = eos_ids.front();
  std::int32_t eot = -1;
  for (std::int32_t id : eos_ids)
    if (id != eos) {
      eot = id;
      break;
    }
  const auto put_id = [&](const char* key, std::int32_t id) {
    if (id >= 0) w.set(key, static_cast<std::uint32_t>(id));
  };
  put_id("tokenizer.ggml.bos_token_id", v.bos_id);
  put_id("tokenizer.ggml.eos_token_id", eos);
  put_id("tokenizer.ggml.unknown_token_id", v.unk_id);
  put_id("tokenizer.ggml.padding_token_id", v.pad_id);
  put_id("tokenizer.ggml.eot_token_id", eot);
  w.set("tokenizer.ggml.add_bos_token", v.add_bos);
  w.set("tokenizer.ggml.add_eos_token", v.add_eos);
  if (!bpe) w.set("tokenizer.ggml.add_space_prefix", v.add_space_prefix);
  if (!model.info().chat_template.empty()) w.set("tokenizer.chat_template", model.info().chat_template);
}

void add_hyperparameters(GgufWriter& w, const ModelConfig& c, const std::string& arch) {
  const std::string p = arch + ".";
  const auto u32 = [](std::int64_t v) { return static_cast<std::uint32_t>(v); };  // validate() bounds them
  w.set(p + "context_length", u32(c.n_ctx_train));
  w.set(p + "embedding_length", u32(c.n_embd));
  w.set(p + "block_count", u32(c.n_layers));
  w.set(p + "feed_forward_length", u32(c.n_ff));
  w.set(p + "attention.head_count", u32(c.n_heads));
  w.set(p + "attention.head_count_kv", u32(c.n_kv_heads));
  if (c.n_embd % c.n_heads != 0 || c.head_dim != c.n_embd / c.n_heads) {
    w.set(p + "attention.key_length", u32(c.head_dim));
    w.set(p + "attention.value_length", u32(c.head_dim));
  }
  if (c.arch == Architecture::gpt2) {
    w.set(p + "attention.layer_norm_epsilon", c.norm_eps);
  } else {
    w.set(p + "attention.layer_norm_rms_epsilon", c.norm_eps);
    w.set(p + "rope.freq_base", c.rope_theta);
    w.set(p + "rope.dimension_count", u32(c.rotary_dim ? c.rotary_dim : c.head_dim));
  }
}

// Adds the model's tensors, converting matrices to `matrix_type`.
class TensorEmitter {
 public:
  TensorEmitter(GgufWriter& w, DType matrix_type, std::string where)
      : w_(w), matrix_type_(matrix_type), where_(std::move(where)) {}

  /// Norms, biases, position embeddings: always f32.
  void plain(const std::string& name, const Tensor& t) {
    require(name, t);
    w_.add_tensor(name, as_f32(t));
  }
  void plain_optional(const std::string& name, const Tensor& t) {
    if (t.defined() && t.numel() > 0) plain(name, t);
  }
  /// A 2-D matrix stored as matrix_type (f16 where a block type cannot hold its rows).
  void matrix(const std::string& name, const Tensor& t) {
    require(name, t);
    LF_CHECK(t.rank() == 2, where_.c_str(), "tensor '" + name + "' must be a matrix, got " + t.shape().str());
    DType type = matrix_type_;
    if (t.dim(1) % dtype_info(type).block_size != 0) type = DType::f16;
    w_.add_tensor(name, encode(t, type));
  }

 private:
  void require(const std::string& name, const Tensor& t) const {
    LF_CHECK(t.defined() && t.numel() > 0, where_.c_str(), "the model has no weights for '" + name + "'");
  }

  GgufWriter& w_;
  DType matrix_type_;
  std::string where_;
};

void add_tensors(GgufWriter& gw, const Model& model, DType matrix_type, const std::string& where) {
  const ModelConfig& c = model.config();
  const ModelWeights& w = model.weights();
  TensorEmitter t(gw, matrix_type, where);
  const bool gpt2 = c.arch == Architecture::gpt2;

  // GGUF's RoPE convention per architecture (see load_gguf.cpp).
  const RopeLayout gguf_layout = c.arch == Architecture::llama ? RopeLayout::Interleaved : RopeLayout::RotateHalf;
  const bool permute = c.uses_rope() && c.rope_layout != gguf_layout;
  const bool to_interleaved = gguf_layout == RopeLayout::Interleaved;
  const std::int64_t rot = c.rotary_dim ? c.rotary_dim : c.head_dim;
  const auto rope_rows = [&](const Tensor& x, std::int64_t heads) {
    return permute && x.defined() && x.numel() > 0 ? permute_rope_rows(x, heads, c.head_dim, rot, to_interleaved) : x;
  };

  t.matrix("token_embd.weight", w.token_embd);
  if (gpt2) t.plain("position_embd.weight", w.position_embd);
  LF_CHECK(static_cast<std::int64_t>(w.layers.size()) == c.n_layers, where.c_str(),
           "the model has " + std::to_string(w.layers.size()) + " layers of weights, its config " +
               std::to_string(c.n_layers));
  for (std::size_t i = 0; i < w.layers.size(); ++i) {
    const LayerWeights& l = w.layers[i];
    const std::string b = "blk." + std::to_string(i) + ".";
    t.plain(b + "attn_norm.weight", l.attn_norm);
    t.plain_optional(b + "attn_norm.bias", l.attn_norm_bias);
    if (gpt2) {
      t.matrix(b + "attn_qkv.weight", l.wqkv);
      t.plain_optional(b + "attn_qkv.bias", l.bqkv);
    } else {
      t.matrix(b + "attn_q.weight", rope_rows(l.wq, c.n_heads));
      t.matrix(b + "attn_k.weight", rope_rows(l.wk, c.n_kv_heads));
      t.matrix(b + "attn_v.weight", l.wv);
      t.plain_optional(b + "attn_q.bias", rope_rows(l.bq, c.n_heads));
      t.plain_optional(b + "attn_k.bias", rope_rows(l.bk, c.n_kv_heads));
      t.plain_optional(b + "attn_v.bias", l.bv);
    }
    t.matrix(b + "attn_output.weight", l.wo);
    t.plain_optional(b + "attn_output.bias", l.bo);
    t.plain(b + "ffn_norm.weight", l.ffn_norm);
    t.plain_optional(b + "ffn_norm.bias", l.ffn_norm_bias);
    if (!gpt2) t.matrix(b + "ffn_gate.weight", l.w_gate);
    t.matrix(b + "ffn_up.weight", l.w_up);
    t.plain_optional(b + "ffn_up.bias", l.b_up);
    t.matrix(b + "ffn_down.weight", l.w_down);
    t.plain_optional(b + "ffn_down.bias", l.b_down);
  }
  t.plain("output_norm.weight", w.output_norm);
  t.plain_optional("output_norm.bias", w.output_norm_bias);
  if (!c.tied_output) t.matrix("output.weight", w.output);
}

}  // namespace

void write_gguf(const Model& model, const std::filesystem::path& out, DType matrix_type) {
  const std::string where = "write_gguf " + out.string();
  LF_CHECK(dtype_writable(matrix_type), where.c_str(),
           "liveformer reads " + std::string(dtype_name(matrix_type)) +
               " tensors but cannot write them yet; choose f32, f16, bf16, q8_0 or q4_0");
  const ModelConfig& c = model.config();
  c.validate(where);
  const std::string arch = architecture_name(c.arch);

  GgufWriter w;
  w.set("general.architecture", arch);
  std::string name = model.info().name;
  if (name.empty()) name = std::filesystem::path(model.info().path).filename().string();
  if (!name.empty()) w.set("general.name", name);
  w.set("general.file_type", file_type_of(matrix_type));
  w.set("general.quantization_version", std::uint32_t{2});  // ggml's GGML_QNT_VERSION
  add_hyperparameters(w, c, arch);
  add_tokenizer(w, model, where);
  add_tensors(w, model, matrix_type, where);

  // Write beside the target and rename: `out` may be mapped by `model`.
  std::filesystem::path tmp = out;
  tmp += ".tmp";
  w.write(tmp.string());
  std::error_code ec;
  std::filesystem::rename(tmp, out, ec);
  if (ec) {
    const std::string why = ec.message();
    std::filesystem::remove(tmp, ec);
    throw_error(where, "cannot rename " + tmp.string() + " into place: " + why);
  }
}

}  // namespace lf
