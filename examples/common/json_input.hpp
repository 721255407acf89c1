// Reading the apps' inputs: whole files (or stdin) and JSON documents,
// with errors that name the file.
#pragma once

#include <istream>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace app {

/// Insertion-ordered JSON: keys keep the order the user wrote them in.
using Json = nlohmann::ordered_json;

/// The most a JSON document the apps read may be nested.
inline constexpr std::size_t kMaxJsonDepth = 64;

/// The whole content of `path` ("-": standard input). Throws AppError
/// ("cannot read PATH: reason") if the file cannot be opened or read, and
/// ("PATH: larger than N MiB") past `max_bytes`.
std::string read_text(const std::string& path, std::size_t max_bytes = std::size_t{16} << 20);

/// An input stream over `path` ("-": standard input). Throws AppError if
/// the file cannot be opened.
std::unique_ptr<std::istream> open_input(const std::string& path);

/// Parses `text` as one JSON value. Throws AppError ("SOURCE: invalid
/// JSON at line L, column C: ...") on a syntax error, invalid UTF-8,
/// empty input or nesting deeper than kMaxJsonDepth.
Json parse_json(const std::string& text, const std::string& source);

/// A short description of a JSON value's type for messages ("a string").
std::string json_type_name(const Json& j);

/// JSON text on one line, UTF-8 kept as is (invalid bytes replaced).
std::string dump_line(const Json& j);

}  // namespace app
