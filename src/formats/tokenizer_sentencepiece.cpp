// tokenizer.model files, run by the sentencepiece library behind lf::Tokenizer.
#include <sentencepiece_processor.h>

#include <cstdio>

#include "liveformer/core/error.hpp"
#include "liveformer/formats/contained_file.hpp"
#include "liveformer/formats/input_limits.hpp"
#include "liveformer/formats/tokenizer.hpp"
#include "liveformer/formats/utf8.hpp"
#include "sentencepiece_model_check.hpp"
#include "sentencepiece_piece.hpp"

namespace lf {
namespace {


class SentencePieceTokenizer final : public Tokenizer {
 public:
  // The library trusts the model's normalizer tables; ours checks them
  // first (check_sentencepiece_model), then the library loads the bytes.
  SentencePieceTokenizer(std::string_view serialized, const std::string& name) : where_("sentencepiece model " + name) {
    detail::check_sentencepiece_model(serialized, where_);
    sentencepiece::util::Status status;
    // The library throws its own exceptions on some broken models (darts-clone
    // on an empty piece, found by fuzz_spm_model): they become lf::Error.
    try {
      status = processor_.LoadFromSerializedProto(serialized);
    } catch (const std::exception& e) {
      throw_error(where_, std::string("cannot load: ") + e.what());
    }
    LF_CHECK(status.ok(), where_.c_str(), "cannot load: " + status.ToString());
    // Mirror the model into a Vocabulary so callers see one kind of data.
    vocab_.model = TokenizerModel::sentencepiece;
    const int n = processor_.GetPieceSize();
    for (int id = 0; id < n; ++id) {
      vocab_.tokens.push_back(processor_.IdToPiece(id));
      vocab_.scores.push_back(processor_.GetScore(id));
      TokenType type = TokenType::normal;
      if (processor_.IsControl(id)) type = TokenType::control;
      else if (processor_.IsUnknown(id)) type = TokenType::unknown;
      else if (processor_.IsByte(id)) type = TokenType::byte;
      else if (processor_.IsUnused(id)) type = TokenType::unused;
      vocab_.types.push_back(type);
    }
    vocab_.bos_id = processor_.bos_id();
    vocab_.eos_id = processor_.eos_id();
    vocab_.unk_id = processor_.unk_id();
    vocab_.pad_id = processor_.pad_id();
    // Llama-family models are trained with BOS; sentencepiece itself never adds it.
    vocab_.add_bos = vocab_.bos_id >= 0;
  }

  // sentencepiece treats "<s>" in text as plain text, so `parse_special`
  // has no effect here.
  std::vector<std::int32_t> encode(std::string_view text, bool add_special, bool /*parse_special*/) const override {
    utf8::require_valid(text, where_.c_str());
    std::vector<int> ids;
    const auto status = processor_.Encode(text, &ids);
    LF_CHECK(status.ok(), where_.c_str(), "encode failed: " + status.ToString());
    std::vector<std::int32_t> out;
    if (add_special && vocab_.add_bos && vocab_.bos_id >= 0) out.push_back(vocab_.bos_id);
    out.insert(out.end(), ids.begin(), ids.end());
    if (add_special && vocab_.add_eos && vocab_.eos_id >= 0) out.push_back(vocab_.eos_id);
    return out;
  }

  // Runs of ordinary ids are decoded by sentencepiece (which drops the
  // dummy-prefix space); control tokens are written as their text.
  std::string decode(std::span<const std::int32_t> ids, bool skip_special) const override {
    std::string out;
    std::vector<int> run;
    const auto flush = [&] {
      if (run.empty()) return;
      std::string text;
      const auto status = processor_.Decode(run, &text);
      LF_CHECK(status.ok(), where_.c_str(), "decode failed: " + status.ToString());
      out += text;
      run.clear();
    };
    for (const std::int32_t id : ids) {
      if (vocab_.type(checked(id)) == TokenType::control) {
        flush();
        if (!skip_special) out += vocab_.tokens[static_cast<std::size_t>(id)];
      } else {
        run.push_back(id);
      }
    }
    flush();
    return out;
  }

  std::string token_to_piece(std::int32_t id) const override {
    return detail::sentencepiece_piece(vocab_, checked(id), where_.c_str());
  }

  bool adds_space_prefix() const override { return true; }  // sentencepiece's add_dummy_prefix default
  const Vocabulary& vocabulary() const override { return vocab_; }
  std::int32_t token_id(std::string_view token) const override {
    const int id = processor_.PieceToId(token);
    // PieceToId answers unk_id for unknown pieces; only a real match counts.
    return (id >= 0 && vocab_.tokens[static_cast<std::size_t>(id)] == token) ? id : -1;
  }

 private:
  std::int32_t checked(std::int32_t id) const {
    LF_CHECK(id >= 0 && static_cast<std::size_t>(id) < vocab_.size(), where_.c_str(),
          "token id " + std::to_string(id) + " out of range [0, " + std::to_string(vocab_.size()) + ")");
    return id;
  }

  std::string where_;
  sentencepiece::SentencePieceProcessor processor_;
  Vocabulary vocab_;
};

}  // namespace

std::unique_ptr<Tokenizer> load_sentencepiece_model(const std::filesystem::path& model_file) {
  const std::string bytes = read_contained_file(model_file, limits::kMaxTokenizerFileBytes);
  return std::make_unique<SentencePieceTokenizer>(bytes, model_file.string());
}

std::unique_ptr<Tokenizer> load_sentencepiece_model_bytes(std::string_view serialized, const std::string& name) {
  return std::make_unique<SentencePieceTokenizer>(serialized, name);
}

}  // namespace lf
