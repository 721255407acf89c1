// lf::Error: the one exception type liveformer throws.
#pragma once

#include <stdexcept>
#include <string>

namespace lf {

/// Every failure liveformer reports is an lf::Error. The message names the
/// operation (or file) and the offending values, e.g.
///   "softmax: mask shape [3,5] does not broadcast to input [2,3,7]".
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

/// Throws lf::Error(where + ": " + what) unless `ok`. Kept out of line so
/// that call sites stay small and the message is only built on failure.
[[noreturn]] void throw_error(const std::string& where, const std::string& what);

inline void check(bool ok, const char* where, const std::string& what) {
  if (!ok) throw_error(where, what);
}

}  // namespace lf
