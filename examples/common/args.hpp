// Command-line parsing for the apps: long options ("--model PATH",
// "--model=PATH"), flags, positionals, "--help".
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace app {

struct OptionSpec {
  std::string name;       ///< without dashes: "model"
  std::string value_name; ///< "PATH"; empty for a flag
  std::string help;
};

class Args {
 public:
  /// `usage` is the first line of the help ("script-gen [options] PRODUCT.json").
  Args(std::string usage, std::string description, std::vector<OptionSpec> options);

  /// Parses argv. Returns false if --help / -h was given (the help is then
  /// printed on stdout). Throws AppError (exit code 2) on an unknown option,
  /// a missing value, or a positional count outside [min_pos, max_pos].
  bool parse(int argc, char** argv, std::size_t min_positionals, std::size_t max_positionals);

  bool flag(const std::string& name) const;
  std::optional<std::string> value(const std::string& name) const;
  std::string value_or(const std::string& name, const std::string& fallback) const;
  /// Integer option in [min, max]; throws AppError naming the option otherwise.
  long long integer(const std::string& name, long long fallback, long long min, long long max) const;
  double number(const std::string& name, double fallback, double min, double max) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

  std::string help() const;

 private:
  const OptionSpec* find(const std::string& name) const;

  std::string usage_;
  std::string description_;
  std::vector<OptionSpec> options_;
  std::map<std::string, std::string> values_;
  std::vector<std::string> positionals_;
};

}  // namespace app
