// A small command-line parser: options with values, flags, positionals;
// anything unknown or malformed is an lf::Error.
#pragma once

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "liveformer/core/error.hpp"

namespace lf::cli {

/// Every integer option states its range: a value outside it (or beyond
/// long long) is an error, never a silent wrap (-n 4294967296 once became 0
/// tokens when narrowed to 32 bits).
inline long long parse_integer(const std::string& name, const std::string& v, long long lo, long long hi) {
  char* end = nullptr;
  errno = 0;
  const long long x = std::strtoll(v.c_str(), &end, 10);
  LF_CHECK(!v.empty() && end && *end == '\0', "arguments", "option " + name + " needs an integer, got '" + v + "'");
  LF_CHECK(errno != ERANGE && x >= lo && x <= hi, "arguments",
           "option " + name + " must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got '" + v + "'");
  return x;
}

/// The range of a 32-bit count such as -n or --ctx.
inline constexpr long long kMaxInt32 = std::numeric_limits<std::int32_t>::max();

/// A finite number (inf, nan and overflow to inf are refused).
inline float parse_number(const std::string& name, const std::string& v) {
  char* end = nullptr;
  const float x = std::strtof(v.c_str(), &end);
  LF_CHECK(!v.empty() && end && *end == '\0', "arguments", "option " + name + " needs a number, got '" + v + "'");
  LF_CHECK(std::isfinite(x), "arguments", "option " + name + " needs a finite number, got '" + v + "'");
  return x;
}

class Args {
 public:
  Args(int argc, char** argv) {
    for (int i = 0; i < argc; ++i) items_.emplace_back(argv[i]);
    used_.assign(items_.size(), false);
  }

  bool flag(const std::string& name) {
    bool found = false;
    for (std::size_t i = 0; i < items_.size(); ++i)
      if (!used_[i] && items_[i] == name) used_[i] = found = true;
    return found;
  }

  /// Every value given for `name` (repeatable options such as --stop).
  std::vector<std::string> all(const std::string& name) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < items_.size(); ++i) {
      if (used_[i] || items_[i] != name) continue;
      LF_CHECK(i + 1 < items_.size(), kWhere, "option " + name + " needs a value");
      used_[i] = used_[i + 1] = true;
      out.push_back(items_[i + 1]);
    }
    return out;
  }

  std::string value(const std::string& name, const std::string& fallback) {
    const auto v = all(name);
    LF_CHECK(v.size() <= 1, kWhere, "option " + name + " given more than once");
    return v.empty() ? fallback : v[0];
  }

  std::string require(const std::string& name) {
    const auto v = all(name);
    LF_CHECK(v.size() == 1, kWhere, "option " + name + (v.empty() ? " is required" : " given more than once"));
    return v[0];
  }

  /// The option's integer in [lo, hi], or `fallback` when absent.
  long long integer(const std::string& name, long long fallback, long long lo, long long hi) {
    const std::string v = value(name, "");
    return v.empty() ? fallback : parse_integer(name, v, lo, hi);
  }

  /// Remaining arguments that are not options.
  std::vector<std::string> positional() {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < items_.size(); ++i)
      if (!used_[i] && (items_[i].empty() || items_[i][0] != '-' || items_[i] == "-")) {
        used_[i] = true;
        out.push_back(items_[i]);
      }
    return out;
  }

  /// Throws if an argument was not consumed.
  void finish() const {
    for (std::size_t i = 0; i < items_.size(); ++i)
      LF_CHECK(used_[i], kWhere, "unknown argument '" + items_[i] + "'");
  }

 private:
  // Errors read "arguments: ..."; main() prefixes the command's name.
  static constexpr const char* kWhere = "arguments";
  std::vector<std::string> items_;
  std::vector<bool> used_;
};

}  // namespace lf::cli
