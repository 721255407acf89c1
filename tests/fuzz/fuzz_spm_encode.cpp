// Fuzz target: the SentencePiece (Llama) encoder on arbitrary bytes, with
// llama.cpp's Llama vocabulary from ../shared when present.
// Input: one flags byte (bit 0 parse_special, bit 1 add_special), then text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "encode_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  // Spaces become U+2581 before encoding, so a U+2581 in the input decodes
  // as a space; only then is the round trip inexact.
  const bool round_trips = text.find("\xE2\x96\x81") == std::string_view::npos;
  lf::fuzz::check_encode(lf::fuzz::spm_tokenizer(), data[0], text, round_trips);
  return 0;
}
