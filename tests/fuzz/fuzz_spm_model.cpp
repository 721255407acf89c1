// Fuzz target: whole SentencePiece model files (tokenizer.model) ->
// load_sentencepiece_model_bytes, then encode and decode a fixed text.
//
// The sentencepiece library follows the normalizer's precompiled_charsmap
// (a double-array trie and its replacement strings) without bounds checks;
// liveformer checks it first (src/formats/sentencepiece_model_check.hpp).
// Whatever the bytes, loading is an lf::Error or a tokenizer that encodes
// safely: no crash, no sanitizer report, ids in range.
//
// Seeds: a model trained with the default nmt_nfkc normalizer (a real
// charsmap), one with the identity normalizer, and broken ones.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_common.hpp"
#include "liveformer/core/error.hpp"
#include "liveformer/formats/tokenizer.hpp"
#include "sentencepiece_model_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // The check alone on the raw bytes as a charsmap: the trie walk itself.
  try {
    lf::detail::check_precompiled_charsmap(bytes, "charsmap");
  } catch (const lf::Error&) {
  }
  try {
    const auto tok = lf::load_sentencepiece_model_bytes(bytes, "fuzz.model");
    const auto ids = tok->encode("Hello ＡＢＣ world ① 你好 \xF0\x9F\x98\x8D 123 ｶﾀｶﾅ", true, true);
    for (std::int32_t id : ids)
      lf::fuzz::require(id >= 0 && static_cast<std::size_t>(id) < tok->vocab_size(), "encode gave an id out of range");
    (void)tok->decode(ids);
  } catch (const lf::Error&) {
  }
  return 0;
}
