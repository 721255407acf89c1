// check_sentencepiece_model: a minimal protobuf walk and a darts-clone trie check.
#include "sentencepiece_model_check.hpp"

#include <cstdint>
#include <algorithm>
#include <cstring>
#include <vector>

#include "liveformer/core/error.hpp"

namespace lf::detail {
namespace {

// Protobuf wire format: a field is a varint key (number << 3 | wire type),
// then a varint, 8 bytes, 4 bytes or a varint length and that many bytes.
class Wire {
 public:
  Wire(std::string_view data, const std::string& where) : data_(data), where_(where) {}

  bool done() const { return pos_ >= data_.size(); }

  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) fail("a varint runs past the end");
      const auto b = static_cast<unsigned char>(data_[pos_++]);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    fail("a varint is longer than 10 bytes");
  }

  // Reads one field; returns its number, and its bytes when length-delimited.
  std::uint64_t field(std::string_view& bytes) {
    const std::uint64_t key = varint();
    bytes = {};
    switch (key & 7) {
      case 0: varint(); break;
      case 1: skip(8); break;
      case 5: skip(4); break;
      case 2: {
        const std::uint64_t n = varint();
        if (n > data_.size() - pos_) fail("a field of " + std::to_string(n) + " bytes runs past the end");
        bytes = data_.substr(pos_, static_cast<std::size_t>(n));
        pos_ += static_cast<std::size_t>(n);
        break;
      }
      default: fail("unsupported protobuf wire type " + std::to_string(key & 7));
    }
    return key >> 3;
  }

 private:
  void skip(std::size_t n) {
    if (n > data_.size() - pos_) fail("a fixed-size field runs past the end");
    pos_ += n;
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw_error(where_, "malformed model file: " + what + " (at byte " + std::to_string(pos_) + ")");
  }

  std::string_view data_;
  const std::string& where_;
  std::size_t pos_ = 0;
};

// sentencepiece's Normalizer collects at most this many prefix matches in a
// stack array, but loops over as many as commonPrefixSearch counts.
constexpr std::uint32_t kMaxTrieResults = 32;
// No normalization rule is this long (nmt_nfkc's longest key is a few
// code points); the cap bounds each search, so normalizing stays linear.
constexpr std::uint32_t kMaxTrieDepth = 256;

// darts-clone's DoubleArrayUnit, bit for bit.
struct Unit {
  std::uint32_t u;
  bool has_leaf() const { return ((u >> 8) & 1) == 1; }
  std::uint32_t value() const { return u & ((1U << 31) - 1); }
  std::uint32_t label() const { return u & ((1U << 31) | 0xFF); }
  std::uint32_t offset() const { return (u >> 10) << ((u & (1U << 9)) >> 6); }
};

void check_normalizer_spec(std::string_view spec, const std::string& where, const char* name) {
  Wire w(spec, where);
  while (!w.done()) {
    std::string_view bytes;
    if (w.field(bytes) == 2) check_precompiled_charsmap(bytes, where + " " + name);
  }
}

}  // namespace

void check_precompiled_charsmap(std::string_view blob, const std::string& where) {
  if (blob.empty()) return;  // no charsmap: the identity normalizer
  const auto fail = [&](const std::string& what) { throw_error(where, "precompiled_charsmap " + what); };
  if (blob.size() <= 4) fail("of " + std::to_string(blob.size()) + " bytes is too short");
  std::uint32_t trie_bytes = 0;
  std::memcpy(&trie_bytes, blob.data(), 4);  // little-endian, as sentencepiece writes it (x86, ARM)
  const std::size_t rest = blob.size() - 4;
  if (trie_bytes > rest || trie_bytes % 4 != 0 || trie_bytes == 0)
    fail("declares a trie of " + std::to_string(trie_bytes) + " bytes in a blob of " + std::to_string(rest) +
         " (it must be a positive multiple of 4 that fits)");
  const std::size_t n = trie_bytes / 4;
  std::vector<Unit> units(n);
  std::memcpy(units.data(), blob.data() + 4, trie_bytes);
  const std::string_view strings = blob.substr(4 + trie_bytes);

  // Walk what commonPrefixSearch can reach: from a node's base b it reads
  // unit b ^ c for every input byte c, and a match moves to that unit's
  // base. Depth first over bases, each finished once (at most 512 unit
  // reads a base): every read must be inside the trie, the walk must end
  // (no cycle: one would make every search run to the end of the input),
  // and no input may match more than kMaxTrieResults rules, the size of
  // the array sentencepiece collects matches in on its stack, nor be
  // followed deeper than kMaxTrieDepth bytes.
  const std::size_t last_nul = strings.rfind('\0');
  enum : std::uint8_t { kNew, kOpen, kDone };
  std::vector<std::uint8_t> state(n, kNew);
  std::vector<std::uint16_t> depth(n, 0), leaves(n, 0);  // below each finished base
  struct Frame {
    std::uint32_t base;
    std::uint32_t next_byte;
  };
  std::vector<Frame> stack;
  const auto enter = [&](std::uint32_t base) {
    if ((static_cast<std::uint64_t>(base) | 0xFF) >= n)
      fail("trie reaches unit " + std::to_string(base | 0xFF) + " of " + std::to_string(n));
    if (state[base] == kOpen) fail("trie has a cycle through unit " + std::to_string(base));
    if (state[base] == kNew) {
      state[base] = kOpen;
      stack.push_back({base, 0});
    }
  };
  enter(units[0].offset());  // the root's base
  while (!stack.empty()) {
    Frame& top = stack.back();
    const std::uint32_t base = top.base;
    bool descended = false;
    while (!descended && top.next_byte < 256) {  // `top` dangles once descended
      const std::uint32_t c = top.next_byte++;
      const Unit unit = units[base ^ c];
      if (unit.label() != c) continue;
      const std::uint32_t child = (base ^ c) ^ unit.offset();
      if (unit.has_leaf()) {
        if (child >= n) fail("trie leaf at unit " + std::to_string(child) + " of " + std::to_string(n));
        const std::uint32_t v = units[child].value();
        if (last_nul == std::string_view::npos || v > last_nul)
          fail("value " + std::to_string(v) + " is not a NUL-terminated string inside the " +
               std::to_string(strings.size()) + " bytes of replacements");
      }
      const std::size_t before = stack.size();
      enter(child);  // may reallocate `stack`: `top` is not used after this
      descended = stack.size() > before;
    }
    if (descended) continue;
    // All edges seen, every child finished: this base's longest path.
    std::uint32_t d = 0, l = 0;
    for (std::uint32_t c = 0; c < 256; ++c) {
      const Unit unit = units[base ^ c];
      if (unit.label() != c) continue;
      const std::uint32_t child = (base ^ c) ^ unit.offset();
      d = std::max<std::uint32_t>(d, 1u + depth[child]);
      l = std::max<std::uint32_t>(l, (unit.has_leaf() ? 1u : 0u) + leaves[child]);
    }
    if (d > kMaxTrieDepth) fail("trie is deeper than " + std::to_string(kMaxTrieDepth) + " bytes");
    if (l > kMaxTrieResults)
      fail("trie lets one input match more than " + std::to_string(kMaxTrieResults) + " rules");
    depth[base] = static_cast<std::uint16_t>(d);
    leaves[base] = static_cast<std::uint16_t>(l);
    state[base] = kDone;
    stack.pop_back();
  }
}

void check_sentencepiece_model(std::string_view proto, const std::string& where) {
  Wire w(proto, where);
  while (!w.done()) {
    std::string_view bytes;
    const std::uint64_t field = w.field(bytes);
    if (field == 3) check_normalizer_spec(bytes, where, "normalizer_spec");
    if (field == 5) check_normalizer_spec(bytes, where, "denormalizer_spec");
  }
}

}  // namespace lf::detail
