// A small command-line parser: options with values, flags, positionals;
// anything unknown or malformed is an lf::Error whose message starts with
// "arguments: " (main() turns that into one line with a hint).
#pragma once

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <set>
#include <string>
#include <string_view>
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

/// Edits (insert, delete, replace) between two option names, for "did you
/// mean" hints.
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

/// The candidate closest to `typed`, or "" when none is close enough to be
/// a plausible typo (at most a third of the name, and at least 2 edits).
inline std::string closest_name(std::string_view typed, const std::set<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, typed.size() / 3) + 1;
  for (const std::string& c : candidates) {
    const std::size_t d = edit_distance(typed, c);
    if (d < best_distance) best = c, best_distance = d;
  }
  return best;
}

class Args {
 public:
  Args(int argc, char** argv) {
    for (int i = 0; i < argc; ++i) items_.emplace_back(argv[i]);
    used_.assign(items_.size(), false);
  }

  bool flag(const std::string& name) {
    known_.insert(name);
    bool found = false;
    for (std::size_t i = 0; i < items_.size(); ++i)
      if (!used_[i] && items_[i] == name) used_[i] = found = true;
    return found;
  }

  /// Every value given for `name` (repeatable options such as --stop).
  std::vector<std::string> all(const std::string& name) {
    known_.insert(name);
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

  /// True when -h or --help was given (the command prints its usage).
  bool wants_help() const {
    for (const std::string& item : items_)
      if (item == "-h" || item == "--help") return true;
    return false;
  }

  /// Throws if an argument was not consumed; an unknown option names the
  /// closest option this command asked about, as a typo hint.
  void finish() const {
    for (std::size_t i = 0; i < items_.size(); ++i) {
      if (used_[i]) continue;
      const std::string& item = items_[i];
      if (item.size() < 2 || item[0] != '-') throw_error(kWhere, "unexpected argument '" + item + "'");
      const std::string guess = closest_name(item, known_);
      throw_error(kWhere, "unknown option '" + item + "'" + (guess.empty() ? "" : " (did you mean '" + guess + "'?)"));
    }
  }

 private:
  // Errors read "arguments: ..."; main() prefixes the command's name.
  static constexpr const char* kWhere = "arguments";
  std::vector<std::string> items_;
  std::vector<bool> used_;
  std::set<std::string> known_;  // every option name a command asked for
};

}  // namespace lf::cli
