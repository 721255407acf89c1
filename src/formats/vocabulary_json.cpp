// Vocabulary loaders for Hugging Face tokenizer.json and GPT-2's
// encoder.json + vocab.bpe.
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "json_document.hpp"
#include "liveformer/core/error.hpp"
#include "liveformer/formats/contained_file.hpp"
#include "liveformer/formats/input_limits.hpp"
#include "liveformer/formats/vocabulary.hpp"

namespace lf {
namespace {

using nlohmann::json;

using detail::json_excerpt;

// Every file is read inside the directory that holds it, under a size cap,
// and parsed with the one depth limit (detail::parse_json).
json read_json(const std::filesystem::path& path, std::size_t max_bytes) {
  const std::string text = read_contained_file(path, max_bytes);
  return detail::parse_json(text, path.string(), "file", detail::JsonRules{.invalid = "invalid JSON"});
}

// The highest token id a file listing `listed` tokens may use: gaps are
// allowed, but memory must follow the file's size, not an id it names.
std::int64_t id_limit(std::size_t listed) {
  return std::min<std::int64_t>(2 * static_cast<std::int64_t>(listed) + limits::kTokenIdSlack, std::int64_t{1} << 24);
}

// Places token `text` at `id`, growing the arrays as needed.
// `id` as JSON: only integers. nlohmann's get<int64_t> would also take a
// float and convert it, which is undefined behaviour when it is out of
// range (6e+44, found by fuzz_config_json) and silently truncates 2.5.
void put_token(Vocabulary& v, const json& id_json, const std::string& text, TokenType type, const std::string& where,
               std::int64_t max_id) {
  LF_CHECK(id_json.is_number_integer(), where.c_str(),
           "token '" + text + "' has id " + json_excerpt(id_json) + ", expected an integer");
  const std::int64_t id = id_json.get<std::int64_t>();  // above 2^63 wraps negative: refused below
  LF_CHECK(id >= 0 && id < max_id, where.c_str(),
           "token '" + text + "' has invalid id " + json_excerpt(id_json) + " (ids must be below " +
               std::to_string(max_id) + ": twice the number of tokens the file lists, plus " +
               std::to_string(limits::kTokenIdSlack) + ")");
  const auto i = static_cast<std::size_t>(id);
  if (i >= v.tokens.size()) {
    v.tokens.resize(i + 1);
    v.types.resize(i + 1, TokenType::unused);
  }
  v.tokens[i] = text;
  v.types[i] = type;
}

std::int32_t find_token(const Vocabulary& v, const std::string& text) {
  for (std::size_t i = v.tokens.size(); i-- > 0;)
    if (v.tokens[i] == text) return static_cast<std::int32_t>(i);
  return -1;
}

// tokenizer_config.json writes special tokens as "text" or {"content":
// "text"}; null or absent means none (""). Anything else is refused rather
// than silently dropping the token (a lost EOS would never stop generation).
std::string special_token_text(const json& config, const char* key, const std::string& where) {
  if (!config.contains(key) || config[key].is_null()) return {};
  const json& value = config[key];
  if (value.is_string()) return value.get<std::string>();
  LF_CHECK(value.is_object() && value.contains("content") && value["content"].is_string(), where.c_str(),
           std::string("\"") + key + "\" must be a string or an object with a string \"content\", got " + json_excerpt(value));
  return value["content"].get<std::string>();
}

// Walks a (possibly Sequence) pre-tokenizer: a Split regex wins; otherwise
// ByteLevel with use_regex (default true) means GPT-2's pattern.
void read_pre_tokenizer(const json& pre, Vocabulary& v, bool& byte_level, const std::string& where) {
  if (!pre.is_object()) return;
  const std::string type = pre.value("type", "");
  if (type == "Sequence") {
    for (const json& p : pre.at("pretokenizers")) read_pre_tokenizer(p, v, byte_level, where);
  } else if (type == "Split") {
    const json& pattern = pre.at("pattern");
    LF_CHECK(pattern.contains("Regex"), where.c_str(), "Split pre-tokenizer with a non-regex pattern is not supported");
    const std::string behavior = pre.value("behavior", "Isolated");
    LF_CHECK(behavior == "Isolated" && !pre.value("invert", false), where.c_str(),
          "Split pre-tokenizer behaviour '" + behavior + "' is not supported (only Isolated, invert=false)");
    LF_CHECK(v.split_pattern.empty(), where.c_str(), "more than one regex pre-tokenizer is not supported");
    v.split_pattern = pattern["Regex"].get<std::string>();
    v.pre_tokenizer = "tokenizer.json";
  } else if (type == "ByteLevel") {
    byte_level = true;
    LF_CHECK(!pre.value("add_prefix_space", false), where.c_str(), "ByteLevel add_prefix_space=true is not supported");
    if (pre.value("use_regex", true)) {
      LF_CHECK(v.split_pattern.empty(), where.c_str(), "more than one regex pre-tokenizer is not supported");
      v.split_pattern = pretokenizer_patterns::gpt2;
      v.pre_tokenizer = "gpt-2";
    }
  } else {
    throw_error(where, "pre-tokenizer type '" + type + "' is not supported");
  }
}

void read_normalizer(const json& norm, Vocabulary& v, const std::string& where) {
  if (norm.is_null()) return;
  const std::string type = norm.value("type", "");
  if (type == "Sequence") {
    for (const json& n : norm.at("normalizers")) read_normalizer(n, v, where);
  } else if (type == "NFC") {
    v.normalize_nfc = true;
  } else {
    throw_error(where, "normalizer type '" + type + "' is not supported (only NFC)");
  }
}

}  // namespace

Vocabulary Vocabulary::from_tokenizer_json(const std::filesystem::path& tokenizer_json) {
  const std::string where = tokenizer_json.string();
  const json doc = read_json(tokenizer_json, limits::kMaxTokenizerFileBytes);
  LF_CHECK(doc.is_object(), where.c_str(), "expected a JSON object at the top level");
  Vocabulary v;
  v.model = TokenizerModel::byte_level_bpe;
  // The field being read, so that a structural error names it (nlohmann's
  // own text says "type must be string", not where).
  const char* field = "model";
  try {
    const json& model = doc.at("model");
    LF_CHECK(model.is_object(), where.c_str(), "\"model\" must be an object");
    std::size_t listed = model.contains("vocab") ? model["vocab"].size() : 0;
    if (doc.contains("added_tokens")) listed += doc["added_tokens"].size();
    const std::int64_t max_id = id_limit(listed);
    LF_CHECK(model.value("type", "") == "BPE", where.c_str(),
          "model type '" + model.value("type", std::string("?")) + "' is not supported (only BPE)");
    LF_CHECK(model.value("continuing_subword_prefix", json()).is_null() || model["continuing_subword_prefix"] == "",
          where.c_str(), "continuing_subword_prefix is not supported");
    field = "model.ignore_merges";
    v.ignore_merges = model.value("ignore_merges", false);
    field = "model.vocab";
    LF_CHECK(model.at("vocab").is_object(), where.c_str(), "\"model.vocab\" must be an object of token: id");
    for (const auto& [text, id] : model.at("vocab").items()) put_token(v, id, text, TokenType::normal, where, max_id);
    field = "model.merges";
    for (const json& m : model.at("merges")) {
      // Older files write "a b", newer ones ["a", "b"].
      if (m.is_array()) {
        v.merges.emplace_back(m.at(0).get<std::string>(), m.at(1).get<std::string>());
      } else {
        const std::string s = m.get<std::string>();
        const auto space = s.find(' ', 1);
        LF_CHECK(space != std::string::npos, where.c_str(), "merge '" + s + "' has no space");
        v.merges.emplace_back(s.substr(0, space), s.substr(space + 1));
      }
    }
    field = "added_tokens";
    if (doc.contains("added_tokens")) {
      for (const json& t : doc["added_tokens"]) {
        const TokenType type = t.value("special", false) ? TokenType::control : TokenType::user_defined;
        put_token(v, t.at("id"), t.at("content").get<std::string>(), type, where, max_id);
      }
    }
    field = "pre_tokenizer";
    bool byte_level = false;
    read_pre_tokenizer(doc.contains("pre_tokenizer") ? doc["pre_tokenizer"] : json(), v, byte_level, where);
    field = "decoder";
    if (doc.contains("decoder") && doc["decoder"].is_object() && doc["decoder"].value("type", "") == "ByteLevel")
      byte_level = true;
    LF_CHECK(byte_level, where.c_str(), "only byte-level BPE tokenizer.json files are supported (no ByteLevel step found)");
    field = "normalizer";
    read_normalizer(doc.contains("normalizer") ? doc["normalizer"] : json(), v, where);
  } catch (const json::exception& e) {
    throw_error(where, std::string("unexpected tokenizer.json structure in \"") + field + "\": " + e.what());
  }

  // tokenizer_config.json beside it names the special tokens and BOS/EOS use.
  const auto config_path = tokenizer_json.parent_path() / "tokenizer_config.json";
  if (std::error_code ec; std::filesystem::exists(std::filesystem::symlink_status(config_path, ec))) {
    const json config = read_json(config_path, limits::kMaxSmallFileBytes);
    const std::string config_where = config_path.string();
    LF_CHECK(config.is_object(), config_where.c_str(), "expected a JSON object at the top level");
    // bos/eos must exist when named; a missing unk/pad token is tolerated.
    const auto id_of = [&](const char* key, bool required) {
      const std::string text = special_token_text(config, key, config_where);
      if (text.empty()) return -1;
      const std::int32_t id = find_token(v, text);
      LF_CHECK(id >= 0 || !required, config_where.c_str(),
               std::string(key) + " '" + text + "' is not in the vocabulary");
      return id;
    };
    v.bos_id = id_of("bos_token", true);
    v.eos_id = id_of("eos_token", true);
    v.unk_id = id_of("unk_token", false);
    v.pad_id = id_of("pad_token", false);
    const auto flag = [&](const char* key) {
      if (!config.contains(key) || config[key].is_null()) return false;
      LF_CHECK(config[key].is_boolean(), config_where.c_str(),
               std::string("\"") + key + "\" must be true or false, got " + json_excerpt(config[key]));
      return config[key].get<bool>();
    };
    v.add_bos = flag("add_bos_token") && v.bos_id >= 0;
    v.add_eos = flag("add_eos_token") && v.eos_id >= 0;
  }
  v.validate(where);
  return v;
}

Vocabulary Vocabulary::from_gpt2_files(const std::filesystem::path& encoder_json, const std::filesystem::path& vocab_bpe) {
  Vocabulary v;
  v.model = TokenizerModel::byte_level_bpe;
  v.split_pattern = pretokenizer_patterns::gpt2;
  v.pre_tokenizer = "gpt-2";
  const json encoder = read_json(encoder_json, limits::kMaxTokenizerFileBytes);
  LF_CHECK(encoder.is_object(), encoder_json.string().c_str(), "expected an object mapping tokens to ids");
  const std::int64_t max_id = id_limit(encoder.size());
  for (const auto& [text, id] : encoder.items())
    put_token(v, id, text, TokenType::normal, encoder_json.string(), max_id);

  std::istringstream in(read_contained_file(vocab_bpe, limits::kMaxTokenizerFileBytes));
  std::string line;
  std::size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || (line_no == 1 && line.rfind("#version", 0) == 0)) continue;
    const auto space = line.find(' ');
    LF_CHECK(space != std::string::npos && space > 0, vocab_bpe.string().c_str(),
          "line " + std::to_string(line_no) + " is not 'left right': '" + line + "'");
    v.merges.emplace_back(line.substr(0, space), line.substr(space + 1));
  }
  // GPT-2's only special token doubles as BOS and EOS.
  const std::int32_t eot = find_token(v, "<|endoftext|>");
  if (eot >= 0) {
    v.types[static_cast<std::size_t>(eot)] = TokenType::control;
    v.bos_id = v.eos_id = eot;
  }
  v.validate(encoder_json.string());
  return v;
}

}  // namespace lf
