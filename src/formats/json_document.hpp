// Parsing any JSON document liveformer reads (private to the library and
// its fuzz targets): one depth limit, optional duplicate-key refusal, in
// time linear in the text.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "liveformer/formats/input_limits.hpp"

namespace lf::detail {

struct JsonRules {
  int max_depth = limits::kMaxJsonDepth;  ///< containers nested deeper are refused
  bool unique_keys = false;               ///< refuse an object with a key twice
  /// How a syntax error begins; default "<what> is not valid JSON".
  const char* invalid = nullptr;
};

/// Parses `text`. A first SAX pass (nlohmann's parser is iterative) checks
/// the depth and, when asked, duplicate keys, without building anything;
/// only then is the document built. So no deep document ever exists for a
/// recursive dump() or copy to overflow the stack on, and the cost is
/// linear (nlohmann's callback parser, used before, rescans a parent after
/// every child: quadratic on a flat object of 100k entries).
/// Throws lf::Error("<where>: <what> is not valid JSON: ...", "<where>:
/// <what> nests deeper than N levels", "<where>: <what> has duplicate key
/// 'k' inside 'parent'").
nlohmann::json parse_json(std::string_view text, const std::string& where, const std::string& what,
                          const JsonRules& rules = {});

/// A value for an error message: compact, invalid UTF-8 replaced, cut to
/// about 60 bytes (dumping a hostile value whole could be megabytes).
std::string json_excerpt(const nlohmann::json& value);

}  // namespace lf::detail
