#include "safetensors_json.hpp"

#include <set>
#include <vector>

#include "liveformer/core/error.hpp"

namespace lf::safetensors_detail {

namespace {

// One open container during parsing: its keys so far (objects only) and
// the key it sits under, to say where a duplicate is.
struct Frame {
  bool is_object = false;
  std::string name;      // key in the parent, "" for the root or array items
  std::string last_key;  // most recent key seen in this object
  std::set<std::string> keys;
};

}  // namespace

nlohmann::json parse_strict_json(std::string_view text, const std::string& where, const std::string& what) {
  using nlohmann::json;
  std::vector<Frame> stack;
  auto open_container = [&](bool is_object) {
    if (static_cast<int>(stack.size()) >= kMaxJsonDepth) {
      throw_error(where, what + " nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    }
    Frame f;
    f.is_object = is_object;
    if (!stack.empty() && stack.back().is_object) f.name = stack.back().last_key;
    stack.push_back(std::move(f));
  };
  // Called by nlohmann for every token; throwing aborts the parse.
  json::parser_callback_t callback = [&](int, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start: open_container(true); break;
      case json::parse_event_t::array_start: open_container(false); break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        if (!stack.empty()) stack.pop_back();
        break;
      case json::parse_event_t::key: {
        Frame& top = stack.back();
        std::string key = parsed.get<std::string>();
        if (!top.keys.insert(key).second) {
          std::string msg = what + " has duplicate key '" + key + "'";
          if (!top.name.empty()) msg += " inside '" + top.name + "'";
          throw_error(where, msg);
        }
        top.last_key = std::move(key);
        break;
      }
      case json::parse_event_t::value: break;
    }
    return true;
  };
  try {
    return json::parse(text.begin(), text.end(), callback);
  } catch (const json::exception& e) {
    throw_error(where, what + " is not valid JSON: " + e.what());
  }
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

std::string json_excerpt(const nlohmann::json& value) {
  // Replace invalid UTF-8 rather than throw: we are already reporting an error.
  std::string s = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  constexpr std::size_t kMax = 60;
  if (s.size() > kMax) s = s.substr(0, kMax) + "...";
  return s;
}

}  // namespace lf::safetensors_detail
