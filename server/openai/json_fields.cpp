#include "openai/json_fields.hpp"

#include <cmath>

#include "common/app_error.hpp"
#include "common/json_input.hpp"
#include "openai/api_error.hpp"

namespace lf::serve {

using Json = nlohmann::ordered_json;

Json parse_object(const std::string& body) {
  Json j;
  try {
    // app::parse_json bounds the nesting before nlohmann recurses into it.
    j = app::parse_json(body, "request body");
  } catch (const app::AppError& e) {
    throw ApiError(400, std::string("We could not parse the JSON body of your request: ") + e.what());
  }
  if (!j.is_object()) throw ApiError(400, "the request body must be a JSON object, not " + app::json_type_name(j));
  return j;
}

namespace {

// A present, non-null field (null counts as absent, as OpenAI treats it).
const Json* field(const Json& o, const char* key) {
  auto it = o.find(key);
  return it == o.end() || it->is_null() ? nullptr : &*it;
}

[[noreturn]] void wrong_type(const char* key, const char* want, const Json& got) {
  throw ApiError(400, std::string("'") + key + "' must be " + want + ", not " + app::json_type_name(got), key);
}

}  // namespace

std::string optional_string(const Json& o, const char* key, const std::string& fallback) {
  const Json* v = field(o, key);
  if (!v) return fallback;
  if (!v->is_string()) wrong_type(key, "a string", *v);
  return v->get<std::string>();
}

bool optional_bool(const Json& o, const char* key, bool fallback) {
  const Json* v = field(o, key);
  if (!v) return fallback;
  if (!v->is_boolean()) wrong_type(key, "a boolean", *v);
  return v->get<bool>();
}

std::int64_t optional_integer(const Json& o, const char* key, std::int64_t fallback, std::int64_t min, std::int64_t max) {
  const Json* v = field(o, key);
  if (!v) return fallback;
  std::int64_t n = 0;
  if (v->is_number_unsigned()) {
    const auto u = v->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(max)) throw ApiError(400, std::string("'") + key + "' must be at most " + std::to_string(max), key);
    n = static_cast<std::int64_t>(u);
  } else if (v->is_number_integer()) {
    n = v->get<std::int64_t>();
  } else if (v->is_number_float()) {
    const double d = v->get<double>();
    if (!std::isfinite(d) || d != std::floor(d) || d < -9.2e18 || d > 9.2e18) wrong_type(key, "an integer", *v);
    n = static_cast<std::int64_t>(d);
  } else {
    wrong_type(key, "an integer", *v);
  }
  if (n < min || n > max)
    throw ApiError(400, std::string("'") + key + "' must be between " + std::to_string(min) + " and " + std::to_string(max) +
                            ", got " + std::to_string(n),
                   key);
  return n;
}

double optional_number(const Json& o, const char* key, double fallback, double min, double max) {
  const Json* v = field(o, key);
  if (!v) return fallback;
  if (!v->is_number()) wrong_type(key, "a number", *v);
  const double d = v->get<double>();
  if (!std::isfinite(d) || d < min || d > max) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "' must be between %g and %g", min, max);
    throw ApiError(400, std::string("'") + key + buf, key);
  }
  return d;
}

}  // namespace lf::serve
