// Ctrl-C in `liveformer chat`: the first one stops the answer being
// written, not the program; one while waiting for input quits, and so does
// a second one before the answer has stopped (a long prompt evaluation
// cannot be cut short).
#pragma once

namespace lf::cli {

/// Installs the SIGINT handler for as long as it lives.
class InterruptHandler {
 public:
  InterruptHandler();
  ~InterruptHandler();
  InterruptHandler(const InterruptHandler&) = delete;
  InterruptHandler& operator=(const InterruptHandler&) = delete;

  /// True once Ctrl-C was pressed since the last clear().
  static bool requested();
  /// Forgets earlier presses (before each answer and each prompt).
  static void clear();
  /// A file descriptor that becomes readable when Ctrl-C is pressed, to
  /// poll() beside stdin: a press just before a read cannot be missed.
  static int wake_fd();
};

}  // namespace lf::cli
