// Fuzz target: the byte-level BPE encoder (the tiny Qwen2 model's
// tokenizer.json: NFC, Qwen2 split regex, added tokens) on arbitrary bytes.
// Input: one flags byte (bit 0 parse_special, bit 1 add_special), then text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "encode_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  lf::fuzz::check_encode(lf::fuzz::qwen2_tokenizer(), data[0], text, /*round_trips=*/true);
  return 0;
}
