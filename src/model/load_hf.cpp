// Hugging Face model directories: config.json, safetensors, tokenizer files.
#include "hf_config.hpp"
#include "liveformer/formats/contained_file.hpp"
#include "liveformer/formats/input_limits.hpp"
#include "liveformer/formats/safetensors.hpp"
#include "liveformer/model/model.hpp"
#include "weight_loader.hpp"

namespace lf {
namespace {

namespace fs = std::filesystem;

ModelWeights read_weights(const ModelConfig& c, detail::WeightLoader& ld) {
  const std::int64_t e = c.n_embd, qd = c.n_heads * c.head_dim, kvd = c.n_kv_heads * c.head_dim, ff = c.n_ff;
  ModelWeights w;
  if (c.arch == Architecture::gpt2) {
    // GPT2LMHeadModel saves "transformer.*"; the original checkpoints do not.
    const std::string p = ld.has("transformer.wte.weight") ? "transformer." : "";
    w.token_embd = ld.embedding(p + "wte.weight", {c.vocab_size, e});
    w.position_embd = ld.get(p + "wpe.weight", {c.n_ctx_train, e});
    for (std::int64_t i = 0; i < c.n_layers; ++i) {
      const std::string b = p + "h." + std::to_string(i) + ".";
      LayerWeights l;
      l.attn_norm = ld.get(b + "ln_1.weight", {e});
      l.attn_norm_bias = ld.get(b + "ln_1.bias", {e});
      // Conv1D stores [in, out]: transpose into Linear's [out, in].
      l.wqkv = ld.matrix_transposed(b + "attn.c_attn.weight", {qd + 2 * kvd, e});
      l.bqkv = ld.get(b + "attn.c_attn.bias", {qd + 2 * kvd});
      l.wo = ld.matrix_transposed(b + "attn.c_proj.weight", {e, qd});
      l.bo = ld.get(b + "attn.c_proj.bias", {e});
      l.ffn_norm = ld.get(b + "ln_2.weight", {e});
      l.ffn_norm_bias = ld.get(b + "ln_2.bias", {e});
      l.w_up = ld.matrix_transposed(b + "mlp.c_fc.weight", {ff, e});
      l.b_up = ld.get(b + "mlp.c_fc.bias", {ff});
      l.w_down = ld.matrix_transposed(b + "mlp.c_proj.weight", {e, ff});
      l.b_down = ld.get(b + "mlp.c_proj.bias", {e});
      w.layers.push_back(std::move(l));
    }
    w.output_norm = ld.get(p + "ln_f.weight", {e});
    w.output_norm_bias = ld.get(p + "ln_f.bias", {e});
  } else {
    w.token_embd = ld.embedding("model.embed_tokens.weight", {c.vocab_size, e});
    for (std::int64_t i = 0; i < c.n_layers; ++i) {
      const std::string b = "model.layers." + std::to_string(i) + ".";
      LayerWeights l;
      l.attn_norm = ld.get(b + "input_layernorm.weight", {e});
      l.wq = ld.matrix(b + "self_attn.q_proj.weight", {qd, e});
      l.wk = ld.matrix(b + "self_attn.k_proj.weight", {kvd, e});
      l.wv = ld.matrix(b + "self_attn.v_proj.weight", {kvd, e});
      l.wo = ld.matrix(b + "self_attn.o_proj.weight", {e, qd});
      if (c.arch == Architecture::qwen2) {
        l.bq = ld.get(b + "self_attn.q_proj.bias", {qd});
        l.bk = ld.get(b + "self_attn.k_proj.bias", {kvd});
        l.bv = ld.get(b + "self_attn.v_proj.bias", {kvd});
      } else {  // Llama variants with attention_bias
        l.bq = ld.get_optional(b + "self_attn.q_proj.bias", {qd});
        l.bk = ld.get_optional(b + "self_attn.k_proj.bias", {kvd});
        l.bv = ld.get_optional(b + "self_attn.v_proj.bias", {kvd});
        l.bo = ld.get_optional(b + "self_attn.o_proj.bias", {e});
      }
      l.ffn_norm = ld.get(b + "post_attention_layernorm.weight", {e});
      l.w_gate = ld.matrix(b + "mlp.gate_proj.weight", {ff, e});
      l.w_up = ld.matrix(b + "mlp.up_proj.weight", {ff, e});
      l.w_down = ld.matrix(b + "mlp.down_proj.weight", {e, ff});
      w.layers.push_back(std::move(l));
    }
    w.output_norm = ld.get("model.norm.weight", {e});
  }
  w.output = c.tied_output ? w.token_embd : ld.matrix("lm_head.weight", {c.vocab_size, e});
  return w;
}

std::string read_chat_template(const ContainedDirectory& dir) {
  if (dir.has("chat_template.jinja")) return dir.read("chat_template.jinja", limits::kMaxSmallFileBytes);
  if (!dir.has("tokenizer_config.json")) return "";
  return detail::parse_chat_template_config(dir.read("tokenizer_config.json", limits::kMaxSmallFileBytes),
                                            (dir.path() / "tokenizer_config.json").string());
}

}  // namespace

// Every file is read through `files`: inside the directory after symlinks,
// regular files only, each under its size cap (ContainedDirectory).
Model load_hf_model(const fs::path& dir, const LoadOptions& options) {
  const ContainedDirectory files(dir);
  const std::string config_path = (dir / "config.json").string();
  const detail::HfConfig hf =
      detail::parse_hf_config(files.read("config.json", limits::kMaxSmallFileBytes), config_path);
  const ModelConfig& config = hf.model;

  const SafetensorsSet tensors = SafetensorsSet::open_directory(dir.string());
  detail::WeightLoader loader(tensors, options);
  ModelWeights weights = read_weights(config, loader);

  std::shared_ptr<const Tokenizer> tokenizer;
  if (files.has("tokenizer.json"))
    tokenizer = make_tokenizer(Vocabulary::from_tokenizer_json(dir / "tokenizer.json"));
  else if (files.has("tokenizer.model"))
    tokenizer = load_sentencepiece_model(dir / "tokenizer.model");
  else
    throw_error(dir.string(), "no tokenizer.json or tokenizer.model in the model directory");

  ModelInfo info;
  info.path = dir.string();
  info.format = "hf";
  info.name = hf.name;
  info.chat_template = read_chat_template(files);
  info.weight_type = loader.weight_type();
  info.loaded_type = loader.loaded_type();
  if (files.has("generation_config.json")) {
    const fs::path gen = dir / "generation_config.json";
    detail::HfGenerationConfig g =
        detail::parse_generation_config(files.read("generation_config.json", limits::kMaxSmallFileBytes), gen.string());
    info.eos_ids = std::move(g.eos_ids);
    info.generation = g.defaults;
  }
  if (info.eos_ids.empty()) info.eos_ids = hf.eos_ids;
  if (info.eos_ids.empty() && tokenizer->vocabulary().eos_id >= 0) info.eos_ids.push_back(tokenizer->vocabulary().eos_id);
  return Model(config, std::move(weights), std::move(tokenizer), std::move(info));
}

}  // namespace lf
