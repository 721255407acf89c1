// SentencePiece-style BPE over a GGUF vocabulary (Llama, tinyllamas): the
// text gets a leading space, spaces become U+2581, and adjacent pieces are
// merged best-score-first; characters with no piece use <0xNN> byte tokens.
#include <array>
#include <cstdio>
#include <queue>
#include <unordered_map>

#include "liveformer/core/error.hpp"
#include "liveformer/formats/tokenizer.hpp"
#include "liveformer/formats/tokenizer_special.hpp"
#include "liveformer/formats/utf8.hpp"
#include "sentencepiece_piece.hpp"

namespace lf {
namespace {

constexpr const char* kWhere = "SentencePiece tokenizer";

class SpmTokenizer final : public Tokenizer {
 public:
  explicit SpmTokenizer(Vocabulary vocab) : vocab_(std::move(vocab)), added_(vocab_) {
    LF_CHECK(vocab_.model == TokenizerModel::sentencepiece, kWhere, "vocabulary is not SentencePiece");
    vocab_.validate(kWhere);
    LF_CHECK(vocab_.scores.size() == vocab_.size(), kWhere,
          "vocabulary has " + std::to_string(vocab_.scores.size()) + " scores for " +
              std::to_string(vocab_.size()) + " tokens");
    for (std::size_t i = 0; i < vocab_.size(); ++i) ids_.emplace(vocab_.tokens[i], static_cast<std::int32_t>(i));
    for (int b = 0; b < 256; ++b) {
      std::array<char, 8> name{};
      std::snprintf(name.data(), name.size(), "<0x%02X>", b);
      const auto it = ids_.find(name.data());
      byte_ids_[b] = it != ids_.end() ? it->second : vocab_.unk_id;
    }
  }

  std::vector<std::int32_t> encode(std::string_view text, bool add_special, bool parse_special) const override {
    utf8::require_valid(text, kWhere);
    std::vector<std::int32_t> out;
    if (add_special && vocab_.add_bos && vocab_.bos_id >= 0) out.push_back(vocab_.bos_id);
    // The space prefix goes at the start of the text and after every added
    // token (llama.cpp behaviour), so "<s>hi" and "hi" tokenize "hi" alike.
    bool after_special = true;
    for (const auto& fragment : added_.split(text, parse_special)) {
      if (fragment.id >= 0) {
        out.push_back(fragment.id);
        after_special = true;
        continue;
      }
      std::string escaped;
      escaped.reserve(fragment.text.size() + 3);
      if (vocab_.add_space_prefix && after_special) escaped += detail::kSpaceMark;
      for (const char c : fragment.text) {
        if (c == ' ') escaped += detail::kSpaceMark;
        else escaped += c;
      }
      encode_plain(escaped, out);
      after_special = false;
    }
    if (add_special && vocab_.add_eos && vocab_.eos_id >= 0) out.push_back(vocab_.eos_id);
    return out;
  }

  std::string decode(std::span<const std::int32_t> ids, bool skip_special) const override {
    std::string out;
    bool at_start = true;
    for (const std::int32_t id : ids) {
      if (vocab_.type(checked(id)) == TokenType::control) {
        if (!skip_special) out += vocab_.tokens[static_cast<std::size_t>(id)];
        at_start = true;
        continue;
      }
      std::string piece = token_to_piece(id);
      if (at_start && vocab_.add_space_prefix && !piece.empty() && piece[0] == ' ') piece.erase(0, 1);
      at_start = false;
      out += piece;
    }
    return out;
  }

  std::string token_to_piece(std::int32_t id) const override {
    return detail::sentencepiece_piece(vocab_, checked(id), kWhere);
  }

  bool adds_space_prefix() const override { return vocab_.add_space_prefix; }
  const Vocabulary& vocabulary() const override { return vocab_; }
  bool mentions_special_token(std::string_view text) const override { return added_.contains_any(text); }

  std::int32_t token_id(std::string_view token) const override {
    const auto it = ids_.find(std::string(token));
    return it == ids_.end() ? -1 : it->second;
  }

 private:
  std::int32_t checked(std::int32_t id) const {
    LF_CHECK(id >= 0 && static_cast<std::size_t>(id) < vocab_.size(), kWhere,
          "token id " + std::to_string(id) + " out of range [0, " + std::to_string(vocab_.size()) + ")");
    return id;
  }

  // Symbols start as single characters in a linked list. A max-heap holds
  // adjacent pairs whose concatenation is a piece, keyed by that piece's
  // score (ties: leftmost first). Entries whose symbols changed since they
  // were pushed are recognised by their byte length and skipped.
  void encode_plain(std::string_view text, std::vector<std::int32_t>& out) const {
    struct Symbol {
      std::size_t offset, length;
      std::int32_t prev, next;
    };
    std::vector<Symbol> sym;
    for (std::size_t pos = 0; pos < text.size();) {
      const std::size_t len = utf8::decode(text, pos).length;
      const auto index = static_cast<std::int32_t>(sym.size());
      sym.push_back({pos, len, index - 1, -1});
      if (index > 0) sym[index - 1].next = index;
      pos += len;
    }
    struct Bigram {
      float score;
      std::int32_t left, right;
      std::size_t length;
      bool operator<(const Bigram& o) const { return score != o.score ? score < o.score : left > o.left; }
    };
    std::priority_queue<Bigram> heap;
    const auto consider = [&](std::int32_t left, std::int32_t right) {
      if (left < 0 || right < 0) return;
      const std::size_t length = sym[left].length + sym[right].length;
      const auto it = ids_.find(std::string(text.substr(sym[left].offset, length)));
      if (it == ids_.end()) return;
      heap.push({vocab_.scores[static_cast<std::size_t>(it->second)], left, right, length});
    };
    for (std::size_t i = 1; i < sym.size(); ++i)
      consider(static_cast<std::int32_t>(i - 1), static_cast<std::int32_t>(i));
    while (!heap.empty()) {
      const Bigram b = heap.top();
      heap.pop();
      Symbol& l = sym[b.left];
      Symbol& r = sym[b.right];
      if (l.length == 0 || r.length == 0 || l.length + r.length != b.length) continue;  // stale
      l.length += r.length;
      r.length = 0;
      l.next = r.next;
      if (r.next >= 0) sym[r.next].prev = b.left;
      consider(l.prev, b.left);
      consider(b.left, l.next);
    }
    for (std::int32_t i = sym.empty() ? -1 : 0; i >= 0; i = sym[i].next) {
      const std::string_view piece = text.substr(sym[i].offset, sym[i].length);
      if (const auto it = ids_.find(std::string(piece)); it != ids_.end()) {
        out.push_back(it->second);
        continue;
      }
      for (const char c : piece) {  // byte fallback
        const std::int32_t id = byte_ids_[static_cast<unsigned char>(c)];
        LF_CHECK(id >= 0, kWhere, "no piece, byte token or <unk> for byte " + std::to_string(static_cast<unsigned char>(c)));
        out.push_back(id);
      }
    }
  }

  Vocabulary vocab_;
  AddedTokenMatcher added_;
  std::unordered_map<std::string, std::int32_t> ids_;
  std::array<std::int32_t, 256> byte_ids_{};
};

}  // namespace

std::unique_ptr<Tokenizer> make_spm_tokenizer(Vocabulary vocab) {
  return std::make_unique<SpmTokenizer>(std::move(vocab));
}

}  // namespace lf
