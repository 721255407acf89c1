// Fuzz target: lf::StreamingDetokenizer on arbitrary id sequences.
// Input: one byte picking the tokenizer (bit 0: SentencePiece, else Qwen2
// BPE) and skip_special (bit 1), then little-endian u16 ids (reduced modulo
// vocab size + 8, so a few ids are out of range and must throw lf::Error).
// Checks: every piece is valid UTF-8, and the pieces joined equal
// utf8::sanitize(decode(ids)), as the class documents.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_common.hpp"
#include "liveformer/formats/tokenizer_stream.hpp"
#include "liveformer/formats/utf8.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const lf::Tokenizer& tok = data[0] & 1 ? lf::fuzz::spm_tokenizer() : lf::fuzz::qwen2_tokenizer();
  const bool skip_special = data[0] & 2;
  std::vector<std::int32_t> ids;
  for (std::size_t i = 1; i + 1 < size; i += 2)
    ids.push_back(static_cast<std::int32_t>((data[i] | (data[i + 1] << 8)) % (tok.vocab_size() + 8)));

  lf::StreamingDetokenizer stream(tok, skip_special);
  std::string joined;
  std::size_t accepted = 0;
  try {
    for (std::int32_t id : ids) {
      const std::string piece = stream.push(id);
      lf::fuzz::require(static_cast<std::size_t>(id) < tok.vocab_size(), "push() accepted an id out of range");
      lf::fuzz::require(lf::utf8::is_valid(piece), "push() emitted ill-formed UTF-8");
      joined += piece;
      ++accepted;
    }
  } catch (const lf::Error&) {
    lf::fuzz::require(static_cast<std::size_t>(ids[accepted]) >= tok.vocab_size(), "push() threw for an id in range");
    ids.resize(accepted);  // the stream stops at the bad id
  }
  const std::string tail = stream.finish();
  lf::fuzz::require(lf::utf8::is_valid(tail), "finish() emitted ill-formed UTF-8");
  lf::fuzz::require(stream.pending() == 0, "finish() left bytes pending");
  joined += tail;
  lf::fuzz::require(joined == lf::utf8::sanitize(tok.decode(ids, skip_special)),
                    "streamed text != utf8::sanitize(decode(ids))");
  return 0;
}
