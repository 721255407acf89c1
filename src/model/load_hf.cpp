// Hugging Face model directories: config.json, safetensors, tokenizer files.
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "liveformer/formats/safetensors.hpp"
#include "liveformer/model/model.hpp"
#include "weight_loader.hpp"

namespace lf {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

json read_json(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  LF_CHECK(in.good(), path.string().c_str(), "cannot open");
  std::stringstream text;
  text << in.rdbuf();
  try {
    json j = json::parse(text.str());
    LF_CHECK(j.is_object(), path.string().c_str(), "expected a JSON object at the top level");
    return j;
  } catch (const json::exception& e) {
    throw_error(path.string(), std::string("malformed JSON: ") + e.what());
  }
}

// Typed field access with errors that name the file and the key.
class Fields {
 public:
  Fields(const json& j, std::string source) : j_(j), source_(std::move(source)) {}

  bool has(const char* key) const { return j_.contains(key) && !j_.at(key).is_null(); }

  std::int64_t integer(const char* key) const {
    LF_CHECK(has(key), source_.c_str(), std::string("missing \"") + key + "\"");
    const json& v = j_.at(key);
    LF_CHECK(v.is_number_integer(), source_.c_str(), std::string("\"") + key + "\" must be an integer, got " + v.dump());
    return v.get<std::int64_t>();
  }
  std::int64_t integer(const char* key, std::int64_t fallback) const { return has(key) ? integer(key) : fallback; }

  double number(const char* key, double fallback) const {
    if (!has(key)) return fallback;
    const json& v = j_.at(key);
    LF_CHECK(v.is_number(), source_.c_str(), std::string("\"") + key + "\" must be a number, got " + v.dump());
    return v.get<double>();
  }

  bool boolean(const char* key, bool fallback) const {
    if (!has(key)) return fallback;
    const json& v = j_.at(key);
    LF_CHECK(v.is_boolean(), source_.c_str(), std::string("\"") + key + "\" must be true or false, got " + v.dump());
    return v.get<bool>();
  }

  std::string string(const char* key, const std::string& fallback) const {
    if (!has(key)) return fallback;
    const json& v = j_.at(key);
    LF_CHECK(v.is_string(), source_.c_str(), std::string("\"") + key + "\" must be a string, got " + v.dump());
    return v.get<std::string>();
  }

  /// An int or a list of ints (eos_token_id); empty when absent.
  std::vector<std::int32_t> ids(const char* key) const {
    std::vector<std::int32_t> out;
    if (!has(key)) return out;
    const json& v = j_.at(key);
    auto one = [&](const json& x) {
      LF_CHECK(x.is_number_integer() && x.get<std::int64_t>() >= 0 && x.get<std::int64_t>() < (1LL << 31), source_.c_str(),
            std::string("\"") + key + "\" must hold token ids, got " + v.dump());
      out.push_back(x.get<std::int32_t>());
    };
    if (v.is_array())
      for (const json& x : v) one(x);
    else
      one(v);
    return out;
  }

  const json& raw() const { return j_; }

 private:
  const json& j_;
  std::string source_;
};

ModelConfig read_config(const Fields& f, const std::string& source) {
  LF_CHECK(f.has("model_type"), source.c_str(), "missing \"model_type\" (expected gpt2, llama or qwen2)");
  const std::string type = f.string("model_type", "");
  ModelConfig c;
  if (type == "gpt2") {
    c.arch = Architecture::gpt2;
    c.n_embd = f.integer("n_embd");
    c.n_layers = f.integer("n_layer");
    c.n_heads = f.integer("n_head");
    c.n_kv_heads = c.n_heads;
    c.n_ff = f.integer("n_inner", 4 * c.n_embd);
    c.n_ctx_train = f.integer("n_positions");
    c.norm_eps = static_cast<float>(f.number("layer_norm_epsilon", 1e-5));
    c.tied_output = f.boolean("tie_word_embeddings", true);
    const std::string act = f.string("activation_function", "gelu_new");
    LF_CHECK(act == "gelu_new" || act == "gelu_pytorch_tanh", source.c_str(),
          "activation_function '" + act + "' is not supported (GPT-2 uses gelu_new)");
  } else if (type == "llama" || type == "qwen2") {
    c.arch = type == "llama" ? Architecture::llama : Architecture::qwen2;
    c.n_embd = f.integer("hidden_size");
    c.n_layers = f.integer("num_hidden_layers");
    c.n_heads = f.integer("num_attention_heads");
    c.n_kv_heads = f.integer("num_key_value_heads", c.n_heads);
    c.n_ff = f.integer("intermediate_size");
    c.n_ctx_train = f.integer("max_position_embeddings");
    c.norm_eps = static_cast<float>(f.number("rms_norm_eps", 1e-6));
    c.tied_output = f.boolean("tie_word_embeddings", false);
    // transformers >= 4.56 may move rope_theta into "rope_parameters".
    double theta = f.number("rope_theta", 10000.0);
    for (const char* key : {"rope_scaling", "rope_parameters"}) {
      if (!f.has(key)) continue;
      const json& r = f.raw().at(key);
      LF_CHECK(r.is_object(), source.c_str(), std::string("\"") + key + "\" must be an object");
      const Fields rf(r, source + " " + key);
      theta = rf.number("rope_theta", theta);
      const std::string rope_type = rf.string("rope_type", rf.string("type", "default"));
      LF_CHECK(rope_type == "default", source.c_str(),
               std::string(key) + ": RoPE scaling type '" + rope_type + "' is not supported");
    }
    c.rope_theta = static_cast<float>(theta);
    c.rope_layout = RopeLayout::RotateHalf;  // Hugging Face's rotate_half
    const std::string act = f.string("hidden_act", "silu");
    LF_CHECK(act == "silu", source.c_str(), "hidden_act '" + act + "' is not supported (Llama-family models use silu)");
  } else {
    throw_error(source, "unsupported model_type '" + type + "' (supported: gpt2, llama, qwen2)");
  }
  c.vocab_size = f.integer("vocab_size");
  c.head_dim = f.integer("head_dim", c.n_heads > 0 ? c.n_embd / c.n_heads : 0);
  c.validate(source);
  return c;
}

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

std::string read_chat_template(const fs::path& dir) {
  if (fs::exists(dir / "chat_template.jinja")) {
    std::ifstream in(dir / "chat_template.jinja", std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  const fs::path config = dir / "tokenizer_config.json";
  if (!fs::exists(config)) return "";
  const json j = read_json(config);
  if (!j.contains("chat_template") || j.at("chat_template").is_null()) return "";
  const json& t = j.at("chat_template");
  if (t.is_string()) return t.get<std::string>();
  // A list of named templates: take "default". Any other type is a broken
  // file, not "no template" (that would quietly change how chats render).
  LF_CHECK(t.is_array(), config.string().c_str(),
           "\"chat_template\" must be a string or a list of {\"name\", \"template\"}, got " + t.dump());
  for (const json& named : t)
    if (named.is_object() && named.contains("name") && named.at("name") == "default" && named.contains("template") &&
        named.at("template").is_string())
      return named.at("template").get<std::string>();
  return "";
}

}  // namespace

Model load_hf_model(const fs::path& dir, const LoadOptions& options) {
  const fs::path config_path = dir / "config.json";
  const json config_json = read_json(config_path);
  const ModelConfig config = read_config(Fields(config_json, config_path.string()), config_path.string());

  const SafetensorsSet tensors = SafetensorsSet::open_directory(dir.string());
  detail::WeightLoader loader(tensors, options);
  ModelWeights weights = read_weights(config, loader);

  std::shared_ptr<const Tokenizer> tokenizer;
  if (fs::exists(dir / "tokenizer.json"))
    tokenizer = make_tokenizer(Vocabulary::from_tokenizer_json(dir / "tokenizer.json"));
  else if (fs::exists(dir / "tokenizer.model"))
    tokenizer = load_sentencepiece_model(dir / "tokenizer.model");
  else
    throw_error(dir.string(), "no tokenizer.json or tokenizer.model in the model directory");

  ModelInfo info;
  info.path = dir.string();
  info.format = "hf";
  info.name = Fields(config_json, config_path.string()).string("_name_or_path", "");
  info.chat_template = read_chat_template(dir);
  info.weight_type = loader.weight_type();
  info.loaded_type = loader.loaded_type();
  if (fs::exists(dir / "generation_config.json")) {
    const json g = read_json(dir / "generation_config.json");
    const Fields gf(g, (dir / "generation_config.json").string());
    info.eos_ids = gf.ids("eos_token_id");
    GenerationDefaults& d = info.generation;
    if (gf.has("do_sample")) d.do_sample = gf.boolean("do_sample", false);
    if (gf.has("temperature")) d.temperature = static_cast<float>(gf.number("temperature", 1.0));
    if (gf.has("top_p")) d.top_p = static_cast<float>(gf.number("top_p", 1.0));
    if (gf.has("repetition_penalty")) d.repetition_penalty = static_cast<float>(gf.number("repetition_penalty", 1.0));
    if (gf.has("top_k")) d.top_k = static_cast<std::int32_t>(gf.integer("top_k"));
  }
  if (info.eos_ids.empty()) info.eos_ids = Fields(config_json, config_path.string()).ids("eos_token_id");
  if (info.eos_ids.empty() && tokenizer->vocabulary().eos_id >= 0) info.eos_ids.push_back(tokenizer->vocabulary().eos_id);
  for (std::int32_t id : info.eos_ids)
    LF_CHECK(id < config.vocab_size, dir.string().c_str(), "eos token id " + std::to_string(id) + " outside the vocabulary");
  return Model(config, std::move(weights), std::move(tokenizer), std::move(info));
}

}  // namespace lf
