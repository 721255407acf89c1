// Strict JSON parsing for safetensors headers and index files (private).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace lf::safetensors_detail {

/// Containers may nest this deep in a header or an index: stricter than
/// limits::kMaxJsonDepth because a valid header needs 3 (header object,
/// tensor object, shape array), an index 2.
inline constexpr int kMaxJsonDepth = 8;

/// Parses `text` as JSON, also rejecting what nlohmann would otherwise
/// accept silently: duplicate keys in an object (nlohmann keeps the last
/// one, which would let two entries for one tensor hide each other) and
/// nesting deeper than kMaxJsonDepth (detail::parse_json). Throws lf::Error("<where>: <what> ...")
/// with `what` naming the document, e.g. "header is not valid JSON".
nlohmann::json parse_strict_json(std::string_view text, const std::string& where, const std::string& what);

/// The kind of a JSON value for messages: "a string", "an array", ...
std::string json_kind(const nlohmann::json& value);

/// `value` dumped compactly, cut to about 60 characters for messages.
std::string json_excerpt(const nlohmann::json& value);

}  // namespace lf::safetensors_detail
