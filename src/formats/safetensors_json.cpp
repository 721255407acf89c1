#include "safetensors_json.hpp"

#include "json_document.hpp"

namespace lf::safetensors_detail {

nlohmann::json parse_strict_json(std::string_view text, const std::string& where, const std::string& what) {
  return detail::parse_json(text, where, what, detail::JsonRules{kMaxJsonDepth, /*unique_keys=*/true});
}

std::string json_kind(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::boolean: return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return "an integer";
    case nlohmann::json::value_t::number_float: return "a non-integer number";
    default: return "an unexpected value";
  }
}

std::string json_excerpt(const nlohmann::json& value) { return detail::json_excerpt(value); }

}  // namespace lf::safetensors_detail
