// The checks shared by the encoder fuzz targets (bpe_encode, spm_encode).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_common.hpp"
#include "liveformer/formats/utf8.hpp"

namespace lf::fuzz {

/// Encodes `text` (flags: bit 0 parse_special, bit 1 add_special) and checks:
/// invalid UTF-8 is an lf::Error; valid text gives in-range ids; without
/// parse_special no control token comes from the text; and decoding gives
/// the text back (after NFC when the vocabulary normalizes) whenever the
/// round trip is exact for the algorithm (see `round_trips`).
inline void check_encode(const Tokenizer& tok, std::uint8_t flags, std::string_view text, bool round_trips) {
  const bool parse_special = flags & 1, add_special = flags & 2;
  const bool valid = utf8::is_valid(text);
  std::vector<std::int32_t> ids;
  try {
    ids = tok.encode(text, add_special, parse_special);
  } catch (const Error&) {
    require(!valid, "encode threw lf::Error for valid UTF-8");
    return;
  }
  require(valid, "encode accepted ill-formed UTF-8 instead of throwing lf::Error");
  const Vocabulary& v = tok.vocabulary();
  std::size_t first = 0, last = ids.size();
  if (add_special && v.add_bos && !ids.empty() && ids.front() == v.bos_id) ++first;
  if (add_special && v.add_eos && last > first && ids[last - 1] == v.eos_id) --last;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    require(ids[i] >= 0 && static_cast<std::size_t>(ids[i]) < tok.vocab_size(), "encode gave an id out of range");
    if (!parse_special && i >= first && i < last)
      require(!is_control(tok, ids[i]), "a control token came from plain text (parse_special = false)");
  }
  if (!round_trips) return;
  const std::vector<std::int32_t> body(ids.begin() + static_cast<std::ptrdiff_t>(first),
                                       ids.begin() + static_cast<std::ptrdiff_t>(last));
  const std::string expected = v.normalize_nfc ? utf8::nfc(text) : std::string(text);
  require(tok.decode(body) == expected, "decode(encode(text)) != text");
}

}  // namespace lf::fuzz
