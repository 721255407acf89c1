// Shared by the two SentencePiece tokenizers: how a vocabulary entry turns
// back into bytes.
#pragma once

#include <string>
#include <string_view>

#include "liveformer/formats/vocabulary.hpp"

namespace lf::detail {

/// SentencePiece's space marker, U+2581 LOWER ONE EIGHTH BLOCK.
inline constexpr std::string_view kSpaceMark = "\xE2\x96\x81";

/// Bytes of token `id` (in range): <0xNN> byte pieces become that byte,
/// control tokens stay as written, and ▁ becomes a space.
std::string sentencepiece_piece(const Vocabulary& vocab, std::int32_t id, const char* where);

}  // namespace lf::detail
