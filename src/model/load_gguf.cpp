// GGUF models: llama.cpp's metadata keys and tensor names.
#include <memory>

#include "liveformer/formats/gguf.hpp"
#include "liveformer/formats/gguf_tensor_source.hpp"
#include "liveformer/model/model.hpp"
#include "weight_loader.hpp"

namespace lf {
namespace {

ModelConfig read_config(const GgufFile& f, const TensorSource& source) {
  const std::string& arch_name = f.get_string("general.architecture");
  ModelConfig c;
  if (arch_name == "llama")
    c.arch = Architecture::llama;
  else if (arch_name == "qwen2")
    c.arch = Architecture::qwen2;
  else if (arch_name == "gpt2")
    c.arch = Architecture::gpt2;
  else
    throw_error(f.path(), "unsupported architecture '" + arch_name + "' (supported: llama, qwen2, gpt2)");

  const std::string p = arch_name + ".";
  c.n_embd = f.get_u32(p + "embedding_length");
  c.n_layers = f.get_u32(p + "block_count");
  c.n_heads = f.get_u32(p + "attention.head_count");
  c.n_kv_heads = f.get_u32(p + "attention.head_count_kv", static_cast<std::uint32_t>(c.n_heads));
  c.n_ff = f.get_u32(p + "feed_forward_length");
  c.n_ctx_train = f.get_u32(p + "context_length");
  c.head_dim = c.n_heads > 0 ? f.get_u32(p + "attention.key_length", static_cast<std::uint32_t>(c.n_embd / c.n_heads)) : 0;
  LF_CHECK(f.get_u32(p + "attention.value_length", static_cast<std::uint32_t>(c.head_dim)) == c.head_dim, f.path().c_str(),
           "attention.value_length differs from key_length (" + std::to_string(c.head_dim) + "): not supported");
  if (c.arch == Architecture::gpt2) {
    c.norm_eps = f.get_f32(p + "attention.layer_norm_epsilon");
  } else {
    c.norm_eps = f.get_f32(p + "attention.layer_norm_rms_epsilon");
    c.rope_theta = f.get_f32(p + "rope.freq_base", 10000.0f);
    const std::int64_t rot = f.get_u32(p + "rope.dimension_count", static_cast<std::uint32_t>(c.head_dim));
    c.rotary_dim = rot == c.head_dim ? 0 : rot;
    // llama.cpp's converter permutes Llama's q/k rows so that RoPE rotates
    // adjacent pairs; Qwen2 keeps Hugging Face's rotate-half order (NeoX).
    c.rope_layout = c.arch == Architecture::llama ? RopeLayout::Interleaved : RopeLayout::RotateHalf;
    LF_CHECK(!f.has(p + "rope.scaling.type") || f.get_string(p + "rope.scaling.type") == "none", f.path().c_str(),
          "RoPE scaling '" + f.get_string(p + "rope.scaling.type") + "' is not supported");
  }
  LF_CHECK(source.has_tensor("token_embd.weight"), f.path().c_str(), "missing tensor 'token_embd.weight'");
  const Tensor embd = source.tensor("token_embd.weight");
  LF_CHECK(embd.rank() == 2, f.path().c_str(), "token_embd.weight must be a matrix, got " + embd.shape().str());
  c.vocab_size = embd.dim(0);
  c.tied_output = !source.has_tensor("output.weight");
  c.validate(f.path());
  return c;
}

ModelWeights read_weights(const ModelConfig& c, detail::WeightLoader& ld) {
  const std::int64_t e = c.n_embd, qd = c.n_heads * c.head_dim, kvd = c.n_kv_heads * c.head_dim, ff = c.n_ff;
  const bool gpt2 = c.arch == Architecture::gpt2;
  ModelWeights w;
  w.token_embd = ld.embedding("token_embd.weight", {c.vocab_size, e});
  if (gpt2) w.position_embd = ld.get("position_embd.weight", {c.n_ctx_train, e});
  for (std::int64_t i = 0; i < c.n_layers; ++i) {
    const std::string b = "blk." + std::to_string(i) + ".";
    LayerWeights l;
    l.attn_norm = ld.get(b + "attn_norm.weight", {e});
    l.ffn_norm = ld.get(b + "ffn_norm.weight", {e});
    l.wo = ld.matrix(b + "attn_output.weight", {e, qd});
    l.w_up = ld.matrix(b + "ffn_up.weight", {ff, e});
    l.w_down = ld.matrix(b + "ffn_down.weight", {e, ff});
    if (gpt2) {
      l.attn_norm_bias = ld.get(b + "attn_norm.bias", {e});
      l.ffn_norm_bias = ld.get(b + "ffn_norm.bias", {e});
      l.wqkv = ld.matrix(b + "attn_qkv.weight", {qd + 2 * kvd, e});
      l.bqkv = ld.get(b + "attn_qkv.bias", {qd + 2 * kvd});
      l.bo = ld.get(b + "attn_output.bias", {e});
      l.b_up = ld.get(b + "ffn_up.bias", {ff});
      l.b_down = ld.get(b + "ffn_down.bias", {e});
    } else {
      l.wq = ld.matrix(b + "attn_q.weight", {qd, e});
      l.wk = ld.matrix(b + "attn_k.weight", {kvd, e});
      l.wv = ld.matrix(b + "attn_v.weight", {kvd, e});
      l.w_gate = ld.matrix(b + "ffn_gate.weight", {ff, e});
      if (c.arch == Architecture::qwen2) {
        l.bq = ld.get(b + "attn_q.bias", {qd});
        l.bk = ld.get(b + "attn_k.bias", {kvd});
        l.bv = ld.get(b + "attn_v.bias", {kvd});
      } else {  // Llama variants with attention_bias
        l.bq = ld.get_optional(b + "attn_q.bias", {qd});
        l.bk = ld.get_optional(b + "attn_k.bias", {kvd});
        l.bv = ld.get_optional(b + "attn_v.bias", {kvd});
        l.bo = ld.get_optional(b + "attn_output.bias", {e});
      }
    }
    w.layers.push_back(std::move(l));
  }
  w.output_norm = ld.get("output_norm.weight", {e});
  if (gpt2) w.output_norm_bias = ld.get("output_norm.bias", {e});
  w.output = c.tied_output ? w.token_embd : ld.matrix("output.weight", {c.vocab_size, e});
  return w;
}

}  // namespace

Model load_gguf_model(const std::filesystem::path& path, const LoadOptions& options) {
  const GgufTensorSource source = GgufTensorSource::open(path.string());
  const GgufFile* file = &source.file();
  const ModelConfig config = read_config(*file, source);
  detail::WeightLoader loader(source, options);
  ModelWeights weights = read_weights(config, loader);

  std::shared_ptr<const Tokenizer> tokenizer = make_tokenizer(Vocabulary::from_gguf(*file));
  ModelInfo info;
  info.path = path.string();
  info.format = "gguf";
  info.name = file->get_string("general.name", "");
  info.chat_template = file->get_string("tokenizer.chat_template", "");
  info.weight_type = loader.weight_type();
  info.loaded_type = loader.loaded_type();
  const Vocabulary& vocab = tokenizer->vocabulary();
  if (vocab.eos_id >= 0) info.eos_ids.push_back(vocab.eos_id);
  // End-of-turn token of chat models (e.g. <|im_end|>), if declared.
  if (file->has("tokenizer.ggml.eot_token_id")) {
    const auto eot = static_cast<std::int32_t>(file->get_u32("tokenizer.ggml.eot_token_id"));
    if (eot != vocab.eos_id) info.eos_ids.push_back(eot);
  }
  return Model(config, std::move(weights), std::move(tokenizer), std::move(info));
}

}  // namespace lf
