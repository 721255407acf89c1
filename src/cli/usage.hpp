// The tool's usage text, whole (liveformer --help) or one command's
// (liveformer COMMAND --help), and the list of command names for hints.
#pragma once

#include <cstdio>
#include <set>
#include <string>
#include <string_view>

namespace lf::cli {

/// Every command `liveformer` knows.
const std::set<std::string>& command_names();

/// Writes the whole usage text to `out`.
void print_usage(std::FILE* out);

/// Writes one command's part of the usage (and the notes shared by all
/// commands) to `out`; false if `command` is unknown.
bool print_command_usage(std::string_view command, std::FILE* out);

}  // namespace lf::cli
