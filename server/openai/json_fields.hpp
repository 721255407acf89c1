// Reading request bodies: one JSON object (bounded nesting, valid UTF-8) and
// optional fields of a given type and range, each failure an ApiError 400
// that names the field.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace lf::serve {

/// The body as a JSON object; ApiError 400 on empty, malformed, invalid
/// UTF-8, too deeply nested, or not an object.
nlohmann::ordered_json parse_object(const std::string& body);

std::string optional_string(const nlohmann::ordered_json& o, const char* key, const std::string& fallback);
bool optional_bool(const nlohmann::ordered_json& o, const char* key, bool fallback);
/// An integer in [min, max] (a float with an integral value is accepted, as
/// JSON clients may write 10.0).
std::int64_t optional_integer(const nlohmann::ordered_json& o, const char* key, std::int64_t fallback, std::int64_t min,
                              std::int64_t max);
/// A finite number in [min, max].
double optional_number(const nlohmann::ordered_json& o, const char* key, double fallback, double min, double max);

}  // namespace lf::serve
