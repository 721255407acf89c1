// config.json, generation_config.json and tokenizer_config.json, from memory.
#include "hf_config.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "../formats/json_document.hpp"
#include "liveformer/core/error.hpp"
#include "liveformer/formats/contained_file.hpp"

namespace lf::detail {
namespace {

using nlohmann::json;

json parse_object(std::string_view text, const std::string& source) {
  const json j = parse_json(text, source, "file", JsonRules{.invalid = "malformed JSON"});
  LF_CHECK(j.is_object(), source.c_str(), "expected a JSON object at the top level");
  return j;
}

// Typed field access with errors that name the file and the key.
class Fields {
 public:
  Fields(const json& j, std::string source) : j_(j), source_(std::move(source)) {}

  bool has(const char* key) const { return j_.contains(key) && !j_.at(key).is_null(); }

  std::int64_t integer(const char* key) const {
    LF_CHECK(has(key), source_.c_str(), std::string("missing \"") + key + "\"");
    const json& v = j_.at(key);
    LF_CHECK(v.is_number_integer(), source_.c_str(), std::string("\"") + key + "\" must be an integer, got " + json_excerpt(v));
    return v.get<std::int64_t>();
  }
  std::int64_t integer(const char* key, std::int64_t fallback) const { return has(key) ? integer(key) : fallback; }

  double number(const char* key, double fallback) const {
    if (!has(key)) return fallback;
    const json& v = j_.at(key);
    LF_CHECK(v.is_number(), source_.c_str(), std::string("\"") + key + "\" must be a number, got " + json_excerpt(v));
    // 1e400 parses as infinity; no parameter of a model is infinite.
    const double x = v.get<double>();
    LF_CHECK(std::isfinite(x) && std::abs(x) <= 3.4e38, source_.c_str(),
             std::string("\"") + key + "\" must be a finite number within float range, got " + json_excerpt(v));
    return x;
  }

  bool boolean(const char* key, bool fallback) const {
    if (!has(key)) return fallback;
    const json& v = j_.at(key);
    LF_CHECK(v.is_boolean(), source_.c_str(), std::string("\"") + key + "\" must be true or false, got " + json_excerpt(v));
    return v.get<bool>();
  }

  std::string string(const char* key, const std::string& fallback) const {
    if (!has(key)) return fallback;
    const json& v = j_.at(key);
    LF_CHECK(v.is_string(), source_.c_str(), std::string("\"") + key + "\" must be a string, got " + json_excerpt(v));
    return v.get<std::string>();
  }

  /// An int or a list of ints (eos_token_id); empty when absent.
  std::vector<std::int32_t> ids(const char* key) const {
    std::vector<std::int32_t> out;
    if (!has(key)) return out;
    const json& v = j_.at(key);
    auto one = [&](const json& x) {
      LF_CHECK(x.is_number_integer() && x.get<std::int64_t>() >= 0 && x.get<std::int64_t>() < (1LL << 31), source_.c_str(),
            std::string("\"") + key + "\" must hold token ids, got " + json_excerpt(v));
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

}  // namespace

HfConfig parse_hf_config(std::string_view text, const std::string& source) {
  const json j = parse_object(text, source);
  const Fields f(j, source);
  HfConfig c;
  c.model = read_config(f, source);
  c.name = f.string("_name_or_path", "");
  c.eos_ids = f.ids("eos_token_id");
  return c;
}

HfGenerationConfig parse_generation_config(std::string_view text, const std::string& source) {
  const json j = parse_object(text, source);
  const Fields f(j, source);
  HfGenerationConfig g;
  g.eos_ids = f.ids("eos_token_id");
  GenerationDefaults& d = g.defaults;
  if (f.has("do_sample")) d.do_sample = f.boolean("do_sample", false);
  if (f.has("temperature")) d.temperature = static_cast<float>(f.number("temperature", 1.0));
  if (f.has("top_p")) d.top_p = static_cast<float>(f.number("top_p", 1.0));
  if (f.has("repetition_penalty")) d.repetition_penalty = static_cast<float>(f.number("repetition_penalty", 1.0));
  if (f.has("top_k")) {
    const std::int64_t k = f.integer("top_k");
    LF_CHECK(k >= 0 && k <= (std::int64_t{1} << 31) - 1, source.c_str(), "\"top_k\" must be in [0, 2^31), got " + std::to_string(k));
    d.top_k = static_cast<std::int32_t>(k);
  }
  return g;
}

std::string parse_chat_template_config(std::string_view text, const std::string& source) {
  const json j = parse_object(text, source);
  if (!j.contains("chat_template") || j.at("chat_template").is_null()) return "";
  const json& t = j.at("chat_template");
  if (t.is_string()) return t.get<std::string>();
  // A list of named templates: take "default". Any other type is a broken
  // file, not "no template" (that would quietly change how chats render).
  LF_CHECK(t.is_array(), source.c_str(),
           "\"chat_template\" must be a string or a list of {\"name\", \"template\"}, got " + json_excerpt(t));
  for (const json& named : t)
    if (named.is_object() && named.contains("name") && named.at("name") == "default" && named.contains("template") &&
        named.at("template").is_string())
      return named.at("template").get<std::string>();
  return "";
}

std::string read_text_file(const std::string& path) { return read_contained_file(path, limits::kMaxSmallFileBytes); }

}  // namespace lf::detail
