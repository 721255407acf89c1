// SIGINT / SIGTERM as an ordinary event: the signals are blocked in every
// thread and one thread takes them with sigwait() and writes a byte to a
// pipe, which the input loop polls next to its input. Nothing runs inside
// a signal handler, and the loop finishes its batch and writes the report
// as at the end of input.
#pragma once

#include <atomic>
#include <thread>

namespace comments {

class StopSignal {
 public:
  /// Blocks SIGINT and SIGTERM in this thread (create it before any other
  /// thread, so they all inherit the mask) and starts the waiting thread.
  StopSignal();
  ~StopSignal();
  StopSignal(const StopSignal&) = delete;
  StopSignal& operator=(const StopSignal&) = delete;

  /// Readable once a signal has arrived.
  int fd() const { return pipe_[0]; }
  /// The signal that arrived, or 0.
  int signal() const { return signal_.load(); }

 private:
  int pipe_[2] = {-1, -1};
  std::atomic<int> signal_{0};
  std::atomic<bool> closing_{false};
  std::thread waiter_;
};

}  // namespace comments
