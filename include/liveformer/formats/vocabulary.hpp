// lf::Vocabulary: the plain data a tokenizer is built from, and its loaders.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace lf {

class GgufFile;

/// Kind of a vocabulary entry. The values are GGUF's tokenizer.ggml.token_type
/// codes (llama.cpp's llama_token_type), so GGUF arrays map one to one.
enum class TokenType : std::int32_t {
  undefined = 0,
  normal = 1,
  unknown = 2,
  control = 3,       ///< special tokens: <s>, </s>, <|im_end|>; never produced from plain text
  user_defined = 4,  ///< added tokens matched verbatim in the input
  unused = 5,
  byte = 6,          ///< SentencePiece byte-fallback pieces <0xNN>
};

/// Which encoding algorithm a vocabulary is for.
enum class TokenizerModel {
  byte_level_bpe,  ///< GPT-2 / Qwen2: byte<->unicode mapping, merges by rank
  sentencepiece,   ///< Llama SPM: score-driven merges, ▁ for spaces, byte fallback
};

/// Everything needed to encode and decode, independent of the file it came
/// from. Token ids are indices into `tokens`; `scores` and `types` are either
/// empty or the same length as `tokens`.
struct Vocabulary {
  TokenizerModel model = TokenizerModel::byte_level_bpe;

  /// Token texts as the model stores them: for byte-level BPE in GPT-2's
  /// byte->unicode alphabet ("Ġhello"), for SentencePiece with ▁ for spaces.
  std::vector<std::string> tokens;
  std::vector<float> scores;      ///< SentencePiece merge priorities (higher first)
  std::vector<TokenType> types;   ///< empty means "all normal"

  /// BPE merges, highest priority (rank 0) first, in the token alphabet.
  std::vector<std::pair<std::string, std::string>> merges;

  /// Pre-tokenizer split regex (PCRE2 syntax, matched with UTF + UCP), for
  /// byte-level BPE. Empty means "do not split" (one pre-token per segment).
  std::string split_pattern;
  /// The name this pattern came from ("gpt-2", "qwen2", "tokenizer.json").
  std::string pre_tokenizer;
  bool normalize_nfc = false;  ///< apply NFC before splitting (Qwen2)
  bool ignore_merges = false;  ///< HF BPE: a word that is a token is taken whole

  std::int32_t bos_id = -1;  ///< -1: none
  std::int32_t eos_id = -1;
  std::int32_t unk_id = -1;
  std::int32_t pad_id = -1;
  bool add_bos = false;  ///< encode(..., add_special=true) prepends bos_id
  bool add_eos = false;  ///< encode(..., add_special=true) appends eos_id
  bool add_space_prefix = true;  ///< SentencePiece: prepend ▁ to the text

  std::size_t size() const { return tokens.size(); }
  TokenType type(std::int32_t id) const {
    return types.empty() ? TokenType::normal : types[static_cast<std::size_t>(id)];
  }

  /// Checks internal consistency (array lengths, special ids in range,
  /// unique token texts); throws lf::Error naming `source` otherwise.
  void validate(const std::string& source) const;

  // ---- loaders ------------------------------------------------------------
  /// Hugging Face tokenizer.json (model type "BPE" with a ByteLevel
  /// pre-tokenizer or decoder). Reads the Split regex of the pre-tokenizer
  /// when present (Qwen2), else GPT-2's pattern when ByteLevel has use_regex;
  /// the NFC normalizer; "added_tokens" (special -> control, otherwise
  /// user_defined). A tokenizer_config.json next to the file, if present,
  /// supplies bos/eos tokens and add_bos_token/add_eos_token.
  static Vocabulary from_tokenizer_json(const std::filesystem::path& tokenizer_json);

  /// OpenAI GPT-2 files: encoder.json (token -> id) and vocab.bpe (merges,
  /// first line a "#version" header). <|endoftext|> becomes bos/eos.
  static Vocabulary from_gpt2_files(const std::filesystem::path& encoder_json,
                                    const std::filesystem::path& vocab_bpe);

  /// A GGUF file's tokenizer.ggml.* metadata. Supports tokenizer.ggml.model
  /// "gpt2" (tokens, token_type, merges, pre = "gpt-2"/"default", "qwen2",
  /// "llama-bpe") and "llama" (tokens, scores, token_type).
  static Vocabulary from_gguf(const GgufFile& file);
};

/// The pre-tokenizer regexes as the models define them.
namespace pretokenizer_patterns {
/// GPT-2 (openai/gpt-2 encoder.py; also HF ByteLevel use_regex=true).
extern const char* const gpt2;
/// Qwen2 (tokenizer.json of Qwen/Qwen2-*: Split, behaviour Isolated).
extern const char* const qwen2;
/// Llama 3 (llama.cpp "llama-bpe").
extern const char* const llama3;
}  // namespace pretokenizer_patterns

}  // namespace lf
