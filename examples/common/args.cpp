#include "common/args.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "common/app_error.hpp"

namespace app {

Args::Args(std::string usage, std::string description, std::vector<OptionSpec> options)
    : usage_(std::move(usage)), description_(std::move(description)), options_(std::move(options)) {}

const OptionSpec* Args::find(const std::string& name) const {
  for (const OptionSpec& o : options_)
    if (o.name == name) return &o;
  return nullptr;
}

bool Args::parse(int argc, char** argv, std::size_t min_positionals, std::size_t max_positionals) {
  bool options_done = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (options_done || arg == "-" || arg.empty() || arg[0] != '-') {
      positionals_.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      std::fputs(help().c_str(), stdout);
      return false;
    }
    if (arg.rfind("--", 0) != 0) throw AppError("unknown option '" + arg + "' (see --help)", 2);
    std::string name = arg.substr(2);
    std::optional<std::string> inline_value;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name.resize(eq);
    }
    const OptionSpec* spec = find(name);
    if (!spec) throw AppError("unknown option '--" + name + "' (see --help)", 2);
    if (spec->value_name.empty()) {
      if (inline_value) throw AppError("option --" + name + " takes no value", 2);
      values_[name] = "1";
    } else if (inline_value) {
      values_[name] = *inline_value;
    } else {
      if (i + 1 >= argc) throw AppError("option --" + name + " needs a value (" + spec->value_name + ")", 2);
      values_[name] = argv[++i];
    }
  }
  if (positionals_.size() < min_positionals || positionals_.size() > max_positionals)
    throw AppError("usage: " + usage_ + " (see --help)", 2);
  return true;
}

bool Args::flag(const std::string& name) const { return values_.count(name) != 0; }

std::optional<std::string> Args::value(const std::string& name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Args::value_or(const std::string& name, const std::string& fallback) const {
  return value(name).value_or(fallback);
}

long long Args::integer(const std::string& name, long long fallback, long long min, long long max) const {
  const auto v = value(name);
  if (!v) return fallback;
  errno = 0;
  char* end = nullptr;
  const long long x = std::strtoll(v->c_str(), &end, 10);
  if (v->empty() || *end != '\0' || errno == ERANGE || x < min || x > max)
    throw AppError("--" + name + " must be an integer in [" + std::to_string(min) + ", " + std::to_string(max) +
                       "], got '" + *v + "'",
                   2);
  return x;
}

double Args::number(const std::string& name, double fallback, double min, double max) const {
  const auto v = value(name);
  if (!v) return fallback;
  char* end = nullptr;
  const double x = std::strtod(v->c_str(), &end);
  if (v->empty() || *end != '\0' || !std::isfinite(x) || x < min || x > max) {
    char range[64];
    std::snprintf(range, sizeof range, "[%g, %g]", min, max);
    throw AppError("--" + name + " must be a number in " + range + ", got '" + *v + "'", 2);
  }
  return x;
}

std::string Args::help() const {
  std::string out = "usage: " + usage_ + "\n\n" + description_ + "\n\noptions:\n";
  for (const OptionSpec& o : options_) {
    std::string left = "  --" + o.name + (o.value_name.empty() ? "" : " " + o.value_name);
    if (left.size() < 24) left.resize(24, ' ');
    else left += "  ";
    out += left + o.help + "\n";
  }
  out += "  --help                show this help\n";
  return out;
}

}  // namespace app
