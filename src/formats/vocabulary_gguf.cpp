// Vocabulary loader for GGUF tokenizer.ggml.* metadata (llama.cpp's keys).
#include "liveformer/core/error.hpp"
#include "liveformer/formats/gguf.hpp"
#include "liveformer/formats/vocabulary.hpp"

namespace lf {

Vocabulary Vocabulary::from_gguf(const GgufFile& file) {
  const std::string where = file.path() + ": tokenizer";
  Vocabulary v;
  const std::string model = file.get_string("tokenizer.ggml.model");
  if (model == "gpt2") {
    v.model = TokenizerModel::byte_level_bpe;
  } else if (model == "llama") {
    v.model = TokenizerModel::sentencepiece;
  } else {
    throw_error(where, "tokenizer.ggml.model '" + model + "' is not supported (only \"gpt2\" and \"llama\")");
  }

  v.tokens = file.get_string_array("tokenizer.ggml.tokens");
  if (file.has("tokenizer.ggml.scores")) v.scores = file.get_f32_array("tokenizer.ggml.scores");
  if (file.has("tokenizer.ggml.token_type")) {
    for (const std::int32_t t : file.get_i32_array("tokenizer.ggml.token_type")) {
      LF_CHECK(t >= 0 && t <= static_cast<std::int32_t>(TokenType::byte), where.c_str(),
            "unknown token type " + std::to_string(t));
      v.types.push_back(static_cast<TokenType>(t));
    }
  }

  if (v.model == TokenizerModel::byte_level_bpe) {
    for (const std::string& m : file.get_string_array("tokenizer.ggml.merges")) {
      const auto space = m.find(' ', 1);
      LF_CHECK(space != std::string::npos, where.c_str(), "merge '" + m + "' has no space");
      v.merges.emplace_back(m.substr(0, space), m.substr(space + 1));
    }
    // llama.cpp names the pre-tokenizer; the regex is the model's own.
    v.pre_tokenizer = file.get_string("tokenizer.ggml.pre", "default");
    if (v.pre_tokenizer == "gpt-2" || v.pre_tokenizer == "default") {
      v.split_pattern = pretokenizer_patterns::gpt2;
    } else if (v.pre_tokenizer == "qwen2") {
      v.split_pattern = pretokenizer_patterns::qwen2;
      v.normalize_nfc = true;  // Qwen2's tokenizer.json has an NFC normalizer
    } else if (v.pre_tokenizer == "llama-bpe" || v.pre_tokenizer == "llama3") {
      v.split_pattern = pretokenizer_patterns::llama3;
      v.ignore_merges = true;
    } else {
      throw_error(where, "tokenizer.ggml.pre '" + v.pre_tokenizer + "' is not supported (gpt-2, default, qwen2, llama-bpe)");
    }
  } else {
    v.add_space_prefix = file.get_bool("tokenizer.ggml.add_space_prefix", true);
  }

  // GGUF writes ids as uint32; a missing key means "no such token".
  const auto id = [&](const char* key) {
    return file.has(key) ? static_cast<std::int32_t>(file.get_u32(key)) : -1;
  };
  v.bos_id = id("tokenizer.ggml.bos_token_id");
  v.eos_id = id("tokenizer.ggml.eos_token_id");
  v.unk_id = id("tokenizer.ggml.unknown_token_id");
  v.pad_id = id("tokenizer.ggml.padding_token_id");
  // llama.cpp's defaults: SentencePiece adds BOS, byte-level BPE does not.
  const bool spm = v.model == TokenizerModel::sentencepiece;
  v.add_bos = file.get_bool("tokenizer.ggml.add_bos_token", spm) && v.bos_id >= 0;
  v.add_eos = file.get_bool("tokenizer.ggml.add_eos_token", false) && v.eos_id >= 0;
  v.validate(where);
  return v;
}

}  // namespace lf
