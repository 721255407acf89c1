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

  /// True while a press has not been consumed.
  static bool requested();
  /// Marks one press as served (it stopped an answer). Presses after it
  /// stay pending, so none is lost between an answer and the next prompt.
  static void consume_press();
  /// A file descriptor that becomes readable when Ctrl-C is pressed, to
  /// poll() beside stdin: a press just before a read cannot be missed.
  static int wake_fd();
};

}  // namespace lf::cli
