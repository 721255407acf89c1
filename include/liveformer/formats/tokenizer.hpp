// lf::Tokenizer: text <-> token ids, and the factories that build one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "liveformer/formats/vocabulary.hpp"

namespace lf {

/// Text <-> token ids. Implementations are immutable after construction, so
/// one tokenizer may be used from several threads at once.
///
/// Input text must be valid UTF-8: encode() throws lf::Error naming the byte
/// offset of the first ill-formed sequence (call lf::utf8::sanitize() first
/// to replace such bytes with U+FFFD instead). Output of decode() can contain
/// ill-formed UTF-8 when the ids split a character (e.g. a lone byte-level
/// or <0xNN> token); StreamingDetokenizer handles that for streaming.
class Tokenizer {
 public:
  virtual ~Tokenizer() = default;

  /// Token ids for `text`. With `add_special`, the vocabulary's add_bos /
  /// add_eos decide whether BOS/EOS are added. With `parse_special`,
  /// added/special tokens written in the text (e.g. "<|im_end|>") are
  /// encoded as their ids (Hugging Face behaviour); without it they are
  /// treated as plain text (use this for untrusted user text such as
  /// live-stream comments, so they cannot inject control tokens).
  virtual std::vector<std::int32_t> encode(std::string_view text, bool add_special = false,
                                           bool parse_special = true) const = 0;

  /// Concatenated bytes of the tokens. Control tokens (BOS, <|im_end|>)
  /// contribute their text unless `skip_special`. SentencePiece drops the
  /// space that encode() prepended. Throws lf::Error on an id out of range.
  virtual std::string decode(std::span<const std::int32_t> ids, bool skip_special = false) const = 0;

  /// Raw bytes of one token (may be part of a UTF-8 sequence). For
  /// SentencePiece, ▁ becomes a space and <0xNN> the byte 0xNN.
  virtual std::string token_to_piece(std::int32_t id) const = 0;

  /// True when encode() prepends a space that decode() strips again at the
  /// start of the text and after a control token (SentencePiece).
  virtual bool adds_space_prefix() const { return false; }

  /// True when `text` contains the text of a control or user-defined token
  /// anywhere (chat templates encode such message text separately, so that
  /// it cannot open or close a turn). The default scans the vocabulary; the
  /// built-in tokenizers answer from their added-token index.
  virtual bool mentions_special_token(std::string_view text) const;

  /// The vocabulary the tokenizer was built from.
  virtual const Vocabulary& vocabulary() const = 0;

  std::size_t vocab_size() const { return vocabulary().size(); }
  /// Id of the token whose text is exactly `token` (vocabulary alphabet), or -1.
  virtual std::int32_t token_id(std::string_view token) const = 0;
};

/// Byte-level BPE (GPT-2, Qwen2); throws lf::Error if `vocab` is not one.
std::unique_ptr<Tokenizer> make_bpe_tokenizer(Vocabulary vocab);
/// SentencePiece-style (Llama) tokenizer over a GGUF-like vocabulary.
std::unique_ptr<Tokenizer> make_spm_tokenizer(Vocabulary vocab);
/// Dispatches on vocab.model.
std::unique_ptr<Tokenizer> make_tokenizer(Vocabulary vocab);

/// A sentencepiece `tokenizer.model` file, run by the sentencepiece library
/// itself (its own normalizer and algorithm), behind the same interface.
/// The file is read inside its directory (ContainedDirectory), at most
/// limits::kMaxTokenizerFileBytes, and its normalizer tables are checked
/// before the library sees them (a bad precompiled_charsmap is an lf::Error).
std::unique_ptr<Tokenizer> load_sentencepiece_model(const std::filesystem::path& model_file);
/// The same from the file's bytes; `name` is used in errors.
std::unique_ptr<Tokenizer> load_sentencepiece_model_bytes(std::string_view serialized, const std::string& name);

}  // namespace lf
