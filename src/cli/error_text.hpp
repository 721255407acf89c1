// Error messages as a command-line user should read them: without the
// library's internal qualifiers (class and function names), and with a
// pointer to the command's help when the arguments were at fault.
#pragma once

#include <string>
#include <string_view>

namespace lf::cli {

/// The one stderr line for a failed command (no newline):
/// "liveformer COMMAND: error: TEXT", where TEXT is `message` without code
/// names and flattened to one line; argument errors end with a hint to run
/// `liveformer COMMAND --help`.
std::string error_line(std::string_view command, std::string_view message);

}  // namespace lf::cli
