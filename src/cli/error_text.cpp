#include "error_text.hpp"

#include <algorithm>
#include <regex>

#include "liveformer/core/error.hpp"

namespace lf::cli {
namespace {

// lf::Error messages read "where: what", and `where` is sometimes a C++
// name ("KvCache", "Tensor::empty", "generate_batch") that means nothing to
// someone who typed a command; paths and plain words ("context", "device
// cuda") stay.
bool is_code_name(std::string_view word, std::string_view command) {
  static const std::regex identifier("[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z_][A-Za-z0-9_]*)*");
  if (!std::regex_match(word.begin(), word.end(), identifier)) return false;
  const bool looks_like_code = word.find("::") != std::string_view::npos || word.find('_') != std::string_view::npos ||
                               std::any_of(word.begin(), word.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  return looks_like_code || word == command || word == "generate" || word == "eval" || word == "score" ||
         word == "embed";
}

}  // namespace

std::string error_line(std::string_view command, std::string_view message) {
  std::string text = printable(message);  // lf::Error is already; others may quote a file too
  for (char& ch : text)
    if (ch == '\n') ch = ' ';  // JSON parsers' details span lines
  constexpr std::string_view kArguments = "arguments: ";
  const bool usage = text.starts_with(kArguments);
  if (usage) text.erase(0, kArguments.size());
  for (;;) {
    const std::size_t colon = text.find(": ");
    if (colon == std::string::npos || !is_code_name(std::string_view(text).substr(0, colon), command)) break;
    text.erase(0, colon + 2);
  }
  // Qualifiers inside the text, after a file name: "model.gguf: GgufFile::parse: ...".
  static const std::regex inner_qualifier("\\b[A-Z][A-Za-z0-9_]*::[A-Za-z_][A-Za-z0-9_]*: ");
  text = std::regex_replace(text, inner_qualifier, "");
  // Advice for library callers, such as "(use lf::utf8::sanitize)".
  static const std::regex code_advice(" \\([^()]*\\blf::[^()]*\\)");
  text = std::regex_replace(text, code_advice, "");
  std::string line = "liveformer " + std::string(command) + ": error: " + text;
  if (usage) line += "; see 'liveformer " + std::string(command) + " --help'";
  return line;
}

}  // namespace lf::cli
