// Errors and messages of the three apps: every failure is one line on
// stderr ("APP: message") and a non-zero exit status, never a crash.
#pragma once

#include <stdexcept>
#include <string>

namespace app {

/// A failure caused by the user's input (bad file, bad option, bad model
/// path); main() prints it as one line and exits with `exit_code`.
class AppError : public std::runtime_error {
 public:
  explicit AppError(const std::string& message, int exit_code = 1)
      : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

/// The running app's name ("script-gen"), used as the prefix of messages.
const char* app_name();

/// Prints "APP: message" on stderr (progress and warnings).
void progress(const std::string& message);

/// Runs `body` and turns any exception into one stderr line and an exit
/// status (AppError: its code; anything else: 1). Returns body's status.
int run_app(const char* name, int (*body)(int argc, char** argv), int argc, char** argv);

}  // namespace app
