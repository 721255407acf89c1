// lf::Error: the one exception type liveformer throws.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace lf {

/// What kind of failure an Error reports, for callers that react to it
/// (the C API maps it to a status code). Most errors are `invalid`: bad
/// arguments or bad data, described by the message; `busy`: a queue is
/// full or no longer accepting (try again later).
enum class ErrorKind { invalid, io, unsupported, context_full, busy };

/// `text` safe to print on a terminal and to pass as a C string: control
/// bytes (NUL, CR, ESC, DEL, the C1 controls U+0080..U+009F) are written as
/// \xNN; newlines and tabs stay. Messages quote text from model files, which
/// must not move the cursor or recolour the terminal, nor end the message
/// early at a NUL.
std::string printable(std::string_view text);

/// Every failure liveformer reports is an lf::Error. The message names the
/// operation (or file) and the offending values, e.g.
///   "softmax: mask shape [3,5] does not broadcast to input [2,3,7]".
/// It is always printable() (escaped here, so no caller can forget).
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, ErrorKind kind = ErrorKind::invalid)
      : std::runtime_error(printable(message)), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

/// Throws lf::Error(where + ": " + what). Out of line, so call sites stay small.
[[noreturn]] void throw_error(const std::string& where, const std::string& what,
                              ErrorKind kind = ErrorKind::invalid);

}  // namespace lf

/// LF_CHECK(condition, where, message...): throws lf::Error("where: message")
/// when the condition is false. The message expression is evaluated only then.
#define LF_CHECK(condition, where, ...) \
  do {                                  \
    if (!(condition)) ::lf::throw_error((where), (__VA_ARGS__)); \
  } while (0)
