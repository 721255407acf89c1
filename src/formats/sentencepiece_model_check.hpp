// Checks a serialized SentencePiece ModelProto before the sentencepiece
// library sees it (private to the library and its fuzz targets).
#pragma once

#include <string>
#include <string_view>

namespace lf::detail {

/// The library trusts the normalizer's precompiled_charsmap: a double-array
/// trie (darts-clone units) followed by NUL-terminated replacement strings,
/// and it follows the trie's offsets and values without bounds checks while
/// normalizing every input. This walks the protobuf wire format just far
/// enough to find normalizer_spec (field 3) and denormalizer_spec (field 5),
/// and for each precompiled_charsmap (their field 2) checks:
///  - the 4-byte trie size fits the blob and is a whole number of units;
///  - every trie node reachable from the root, for every input byte, reads
///    units inside the trie (what commonPrefixSearch reads);
///  - every leaf's value points inside the strings and a NUL follows it;
///  - the trie has no cycle, no path deeper than 256 bytes and no path with
///    more than 32 matches (sentencepiece's stack array of results).
/// Cost: 512 unit reads per trie node at most, linear in the blob.
/// Throws lf::Error("<where>: ...") on malformed wire data or a bad charsmap.
void check_sentencepiece_model(std::string_view proto, const std::string& where);

/// The charsmap check alone (for tests and the fuzz target).
void check_precompiled_charsmap(std::string_view blob, const std::string& where);

}  // namespace lf::detail
