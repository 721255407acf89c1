// Byte-level BPE (GPT-2, Qwen2): regex pre-tokenization, GPT-2's
// byte<->unicode alphabet, and merges applied in rank order.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <array>
#include <queue>
#include <unordered_map>

#include "liveformer/core/error.hpp"
#include "liveformer/formats/tokenizer.hpp"
#include "liveformer/formats/tokenizer_special.hpp"
#include "liveformer/formats/utf8.hpp"

namespace lf {
namespace {

constexpr const char* kWhere = "byte-level BPE tokenizer";

// GPT-2's bytes_to_unicode(): printable Latin-1 bytes stand for themselves,
// the other 68 bytes are shifted to U+0100.. so every byte is a visible char.
struct ByteAlphabet {
  std::array<std::string, 256> byte_to_text;
  std::unordered_map<char32_t, unsigned char> code_point_to_byte;

  ByteAlphabet() {
    char32_t next = 256;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      const char32_t cp = printable ? static_cast<char32_t>(b) : next++;
      utf8::append(byte_to_text[b], cp);
      code_point_to_byte[cp] = static_cast<unsigned char>(b);
    }
  }
};

const ByteAlphabet& byte_alphabet() {
  static const ByteAlphabet alphabet;
  return alphabet;
}

// PCRE2's own words for an error code ("match limit exceeded"), with the
// number: a bare "-47" tells a user nothing.
std::string pcre2_message(int code) {
  std::array<PCRE2_UCHAR, 256> message{};
  if (pcre2_get_error_message(code, message.data(), message.size()) < 0) return "PCRE2 error " + std::to_string(code);
  return std::string(reinterpret_cast<const char*>(message.data())) + " (PCRE2 error " + std::to_string(code) + ")";
}

// Owns a compiled PCRE2 pattern (JIT-compiled when available).
class Regex {
 public:
  explicit Regex(const std::string& pattern) {
    int error = 0;
    PCRE2_SIZE offset = 0;
    code_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), PCRE2_UTF | PCRE2_UCP,
                          &error, &offset, nullptr);
    if (code_ == nullptr)
      throw_error(kWhere, "cannot compile pre-tokenizer regex /" + pattern + "/ at offset " + std::to_string(offset) +
                              ": " + pcre2_message(error));
    pcre2_jit_compile(code_, PCRE2_JIT_COMPLETE);  // optional speed-up; the interpreter is the fallback
  }
  ~Regex() { pcre2_code_free(code_); }
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // Calls emit(piece) for every match and every gap between matches, in
  // order (HF "Isolated" split). `text` must be valid UTF-8.
  template <class Emit>
  void split(std::string_view text, Emit&& emit) const {
    // Match data per call keeps encode() thread-safe.
    pcre2_match_data* md = pcre2_match_data_create_from_pattern(code_, nullptr);
    std::size_t pos = 0;
    std::size_t gap_start = 0;
    while (pos < text.size()) {
      const int rc = pcre2_match(code_, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), pos,
                                 PCRE2_NO_UTF_CHECK, md, nullptr);
      if (rc == PCRE2_ERROR_NOMATCH) break;
      if (rc < 0) {
        pcre2_match_data_free(md);
        throw_error(kWhere, "pre-tokenizer regex match failed at byte " + std::to_string(pos) + ": " + pcre2_message(rc));
      }
      const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
      const std::size_t begin = ov[0], end = ov[1];
      if (begin > gap_start) emit(text.substr(gap_start, begin - gap_start));
      if (end > begin) {
        emit(text.substr(begin, end - begin));
        pos = end;
      } else {  // an empty match: step over one character
        pos = begin + std::max<std::size_t>(1, utf8::decode(text, begin).length);
        if (pos > text.size()) pos = text.size();
        emit(text.substr(begin, pos - begin));
      }
      gap_start = pos;
    }
    pcre2_match_data_free(md);
    if (gap_start < text.size()) emit(text.substr(gap_start));
  }

 private:
  pcre2_code* code_ = nullptr;
};

class BpeTokenizer final : public Tokenizer {
 public:
  explicit BpeTokenizer(Vocabulary vocab) : vocab_(std::move(vocab)), added_(vocab_) {
    LF_CHECK(vocab_.model == TokenizerModel::byte_level_bpe, kWhere, "vocabulary is not byte-level BPE");
    vocab_.validate(kWhere);
    for (std::size_t i = 0; i < vocab_.size(); ++i) ids_.emplace(vocab_.tokens[i], static_cast<std::int32_t>(i));
    const ByteAlphabet& alphabet = byte_alphabet();
    for (int b = 0; b < 256; ++b) {
      const auto it = ids_.find(alphabet.byte_to_text[b]);
      LF_CHECK(it != ids_.end(), kWhere,
            "vocabulary lacks the single-byte token for byte " + std::to_string(b) + " ('" +
                alphabet.byte_to_text[b] + "'); is it really byte-level?");
      byte_ids_[b] = it->second;
    }
    merges_.reserve(vocab_.merges.size());
    for (std::size_t rank = 0; rank < vocab_.merges.size(); ++rank) {
      const auto& [left, right] = vocab_.merges[rank];
      const auto l = ids_.find(left), r = ids_.find(right), m = ids_.find(left + right);
      LF_CHECK(l != ids_.end() && r != ids_.end() && m != ids_.end(), kWhere,
            "merge #" + std::to_string(rank) + " '" + left + " " + right + "' refers to tokens not in the vocabulary");
      // Keep the first (best) rank if a merge is listed twice.
      merges_.try_emplace(pair_key(l->second, r->second), Merge{static_cast<std::int32_t>(rank), m->second});
    }
    if (!vocab_.split_pattern.empty()) regex_ = std::make_unique<Regex>(vocab_.split_pattern);
  }

  std::vector<std::int32_t> encode(std::string_view text, bool add_special, bool parse_special) const override {
    utf8::require_valid(text, kWhere);
    std::vector<std::int32_t> out;
    if (add_special && vocab_.add_bos && vocab_.bos_id >= 0) out.push_back(vocab_.bos_id);
    for (const auto& fragment : added_.split(text, parse_special)) {
      if (fragment.id >= 0) {
        out.push_back(fragment.id);
        continue;
      }
      if (vocab_.normalize_nfc) {
        const std::string normalized = utf8::nfc(fragment.text);
        encode_plain(normalized, out);
      } else {
        encode_plain(fragment.text, out);
      }
    }
    if (add_special && vocab_.add_eos && vocab_.eos_id >= 0) out.push_back(vocab_.eos_id);
    return out;
  }

  std::string decode(std::span<const std::int32_t> ids, bool skip_special) const override {
    std::string out;
    for (const std::int32_t id : ids) {
      if (skip_special && vocab_.type(checked(id)) == TokenType::control) continue;
      out += token_to_piece(id);
    }
    return out;
  }

  std::string token_to_piece(std::int32_t id) const override {
    const std::string& text = vocab_.tokens[static_cast<std::size_t>(checked(id))];
    const TokenType type = vocab_.type(id);
    // Added tokens are stored as raw text, not in the byte alphabet.
    if (type == TokenType::control || type == TokenType::user_defined) return text;
    const auto& to_byte = byte_alphabet().code_point_to_byte;
    std::string out;
    for (std::size_t pos = 0; pos < text.size();) {
      const utf8::Decoded d = utf8::decode(text, pos);
      const auto it = to_byte.find(d.code_point);
      if (d.valid && it != to_byte.end()) out += static_cast<char>(it->second);
      else out.append(text, pos, d.length);  // not in the alphabet: keep as is
      pos += d.length;
    }
    return out;
  }

  const Vocabulary& vocabulary() const override { return vocab_; }
  bool mentions_special_token(std::string_view text) const override { return added_.contains_any(text); }

  std::int32_t token_id(std::string_view token) const override {
    const auto it = ids_.find(std::string(token));
    return it == ids_.end() ? -1 : it->second;
  }

 private:
  struct Merge {
    std::int32_t rank;
    std::int32_t merged;
  };

  static std::uint64_t pair_key(std::int32_t left, std::int32_t right) {
    return (std::uint64_t{static_cast<std::uint32_t>(left)} << 32) | static_cast<std::uint32_t>(right);
  }

  std::int32_t checked(std::int32_t id) const {
    LF_CHECK(id >= 0 && static_cast<std::size_t>(id) < vocab_.size(), kWhere,
          "token id " + std::to_string(id) + " out of range [0, " + std::to_string(vocab_.size()) + ")");
    return id;
  }

  void encode_plain(std::string_view text, std::vector<std::int32_t>& out) const {
    if (regex_) regex_->split(text, [&](std::string_view word) { encode_word(word, out); });
    else encode_word(text, out);
  }

  // BPE over one pre-token. Symbols form a linked list; candidate pairs sit
  // in a min-heap keyed by (rank, position), so each merge costs O(log n)
  // and equal ranks merge left to right, as in Hugging Face tokenizers.
  // Stale heap entries are detected by re-checking the two symbol ids.
  void encode_word(std::string_view word, std::vector<std::int32_t>& out) const {
    if (word.empty()) return;
    if (vocab_.ignore_merges) {
      std::string mapped;
      for (const char c : word) mapped += byte_alphabet().byte_to_text[static_cast<unsigned char>(c)];
      if (const auto it = ids_.find(mapped); it != ids_.end()) {
        out.push_back(it->second);
        return;
      }
    }
    const std::size_t n = word.size();
    if (n == 1) {
      out.push_back(byte_ids_[static_cast<unsigned char>(word[0])]);
      return;
    }
    std::vector<std::int32_t> id(n);
    std::vector<std::int32_t> prev(n), next(n);
    for (std::size_t i = 0; i < n; ++i) {
      id[i] = byte_ids_[static_cast<unsigned char>(word[i])];
      prev[i] = static_cast<std::int32_t>(i) - 1;
      next[i] = i + 1 < n ? static_cast<std::int32_t>(i + 1) : -1;
    }
    struct Candidate {
      std::int32_t rank, left, left_id, right_id;
      bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : left > o.left; }
    };
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> heap;
    const auto consider = [&](std::int32_t left) {
      if (left < 0 || next[left] < 0) return;
      const auto it = merges_.find(pair_key(id[left], id[next[left]]));
      if (it != merges_.end()) heap.push({it->second.rank, left, id[left], id[next[left]]});
    };
    for (std::size_t i = 0; i + 1 < n; ++i) consider(static_cast<std::int32_t>(i));
    while (!heap.empty()) {
      const Candidate c = heap.top();
      heap.pop();
      const std::int32_t right = next[c.left];
      if (id[c.left] != c.left_id || right < 0 || id[right] != c.right_id) continue;  // stale
      id[c.left] = merges_.at(pair_key(c.left_id, c.right_id)).merged;
      id[right] = -1;  // removed
      next[c.left] = next[right];
      if (next[right] >= 0) prev[next[right]] = c.left;
      consider(prev[c.left]);
      consider(c.left);
    }
    for (std::int32_t i = 0; i >= 0; i = next[i]) out.push_back(id[i]);
  }

  Vocabulary vocab_;
  AddedTokenMatcher added_;
  std::unordered_map<std::string, std::int32_t> ids_;
  std::array<std::int32_t, 256> byte_ids_{};
  std::unordered_map<std::uint64_t, Merge> merges_;
  std::unique_ptr<Regex> regex_;
};

}  // namespace

std::unique_ptr<Tokenizer> make_bpe_tokenizer(Vocabulary vocab) {
  return std::make_unique<BpeTokenizer>(std::move(vocab));
}

}  // namespace lf
