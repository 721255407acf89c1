#include "common/json_input.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "common/app_error.hpp"
#include "common/utf8.hpp"

namespace app {

namespace {

std::string display_name(const std::string& path) { return path == "-" ? "<stdin>" : path; }

// Strips nlohmann's "[json.exception.parse_error.101] " tag.
std::string plain_message(const std::string& what) {
  const auto close = what.find("] ");
  return what.rfind("[json.exception.", 0) == 0 && close != std::string::npos ? what.substr(close + 2) : what;
}

}  // namespace

std::unique_ptr<std::istream> open_input(const std::string& path) {
  if (path == "-") return std::make_unique<std::istream>(std::cin.rdbuf());
  // An ifstream opens a directory on Linux and then reads nothing.
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw AppError("cannot read " + path + ": it is a directory");
  // A device (/dev/zero, /dev/urandom) never ends: files and pipes only.
  const auto type = std::filesystem::status(path, ec).type();
  if (!ec && type != std::filesystem::file_type::regular && type != std::filesystem::file_type::fifo)
    throw AppError("cannot read " + path + ": not a regular file or a pipe");
  errno = 0;
  auto in = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*in) throw AppError("cannot read " + path + ": " + (errno ? std::strerror(errno) : "cannot open"));
  return in;
}

std::string read_text(const std::string& path, std::size_t max_bytes) {
  auto in = open_input(path);
  std::string text;
  char chunk[65536];
  // Read in chunks and stop at the cap: /dev/zero or a runaway pipe must
  // end in an error, not in all of memory.
  while (in->read(chunk, sizeof chunk) || in->gcount() > 0) {
    text.append(chunk, static_cast<std::size_t>(in->gcount()));
    if (text.size() > max_bytes)
      throw AppError(display_name(path) + ": larger than " + std::to_string(max_bytes >> 20) + " MiB");
  }
  if (in->bad()) throw AppError("cannot read " + display_name(path) + ": read error");
  return text;
}

Json parse_json(const std::string& text, const std::string& source) {
  const std::string name = display_name(source);
  if (utf8::trim(text).empty()) throw AppError(name + ": empty input (expected a JSON object)");
  // Depth first, before nlohmann builds (and later destroys or dumps) a
  // document 100,000 levels deep by recursion.
  std::size_t depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth)
        throw AppError(name + ": invalid JSON: nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  try {
    return Json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw AppError(name + ": invalid JSON: " + plain_message(e.what()));
  }
}

std::string json_type_name(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return "an array";
    case Json::value_t::string: return "a string";
    case Json::value_t::boolean: return "a boolean";
    case Json::value_t::binary: return "binary data";
    case Json::value_t::discarded: return "nothing";
    default: return "a number";
  }
}

std::string dump_line(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace app
