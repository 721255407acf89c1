// Fuzz target: SentencePiece model files (tokenizer.model) ->
// load_sentencepiece_model_bytes, then encode and decode fixed texts.
//
// The sentencepiece library follows the normalizer's precompiled_charsmap
// (a double-array trie and its replacement strings) without bounds checks;
// liveformer checks it first (src/formats/sentencepiece_model_check.hpp).
// Whatever the bytes, loading is an lf::Error or a tokenizer that encodes
// safely: no crash, no sanitizer report, ids in range.
//
// Two modes:
//   first byte 0x01: the rest is a precompiled_charsmap, spliced into the
//                    committed nmt_nfkc model (so mutations reach the trie
//                    walk instead of breaking the protobuf around it);
//   otherwise:       the input is a whole model file.
// Seeds: a model trained with nmt_nfkc (a real charsmap), one with the
// identity normalizer, its charsmap alone, hand-made and broken ones.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "fuzz_common.hpp"
#include "liveformer/core/error.hpp"
#include "liveformer/formats/tokenizer.hpp"
#include "sentencepiece_model_check.hpp"

namespace {

std::uint64_t varint(std::string_view b, std::size_t& pos) {
  std::uint64_t v = 0;
  for (int shift = 0; pos < b.size() && shift < 64; shift += 7) {
    const auto c = static_cast<unsigned char>(b[pos++]);
    v |= static_cast<std::uint64_t>(c & 0x7f) << shift;
    if (!(c & 0x80)) break;
  }
  return v;
}

std::string encode_varint(std::uint64_t v) {
  std::string out;
  do {
    out += static_cast<char>((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
    v >>= 7;
  } while (v);
  return out;
}

// The committed seed model split around its charsmap: before the
// normalizer_spec key, the spec's fields before and after the charsmap, and
// the rest of the model.
struct Template {
  std::string head, spec_head, spec_tail, tail;
};

const Template& nfkc_template() {
  static const Template t = [] {
    std::ifstream in(lf::fuzz::data_dir() / "../fuzz/corpus/spm_model/trained-nmt-nfkc.model", std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    const std::string m = s.str();
    Template out;
    std::size_t pos = 0;
    while (pos < m.size()) {
      const std::size_t key_at = pos;
      const std::uint64_t key = varint(m, pos);
      if ((key & 7) != 2) {  // the seed's top-level fields other than bytes are varints
        varint(m, pos);
        continue;
      }
      const std::size_t n = varint(m, pos);
      if ((key >> 3) == 3) {
        const std::string_view spec(m.data() + pos, n);
        std::size_t p = 0;
        while (p < spec.size()) {
          const std::size_t field_at = p;
          const std::uint64_t k = varint(spec, p);
          const std::size_t len = (k & 7) == 2 ? varint(spec, p) : (varint(spec, p), 0);
          if (k == 0x12) {
            out.head = m.substr(0, key_at);
            out.spec_head = std::string(spec.substr(0, field_at));
            out.spec_tail = std::string(spec.substr(p + len));
            out.tail = m.substr(pos + n);
            return out;
          }
          p += len;
        }
      }
      pos += n;
    }
    return out;
  }();
  return t;
}

std::string splice_charsmap(std::string_view blob) {
  const Template& t = nfkc_template();
  const std::string spec = t.spec_head + "\x12" + encode_varint(blob.size()) + std::string(blob) + t.spec_tail;
  return t.head + "\x1a" + encode_varint(spec.size()) + spec + t.tail;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::string spliced;
  if (!bytes.empty() && bytes[0] == '\x01') {
    try {
      lf::detail::check_precompiled_charsmap(bytes.substr(1), "charsmap");
    } catch (const lf::Error&) {
      return 0;  // refused: nothing reaches the library
    }
    spliced = splice_charsmap(bytes.substr(1));
    bytes = spliced;
  }
  try {
    const auto tok = lf::load_sentencepiece_model_bytes(bytes, "fuzz.model");
    for (const char* text : {"Hello ＡＢＣ world ① 你好 \xF0\x9F\x98\x8D 123 ｶﾀｶﾅ", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                             "\xE2\x91\xA0\xE2\x91\xA1 \xEF\xBC\xA1 x\ty"}) {
      const auto ids = tok->encode(text, true, true);
      for (std::int32_t id : ids)
        lf::fuzz::require(id >= 0 && static_cast<std::size_t>(id) < tok->vocab_size(), "encode gave an id out of range");
      (void)tok->decode(ids);
    }
  } catch (const lf::Error&) {
  }
  return 0;
}
