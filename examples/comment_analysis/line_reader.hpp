// Reading an unbounded stream of lines from a file descriptor (a file,
// stdin, a FIFO) with bounded memory and without blocking a stop: a line
// longer than the cap is cut (the rest is skipped as it arrives, never
// held), and each wait also watches a stop descriptor and a timeout, so a
// signal or a micro-batch deadline is served while no input comes.
#pragma once

#include <cstddef>
#include <string>

namespace comments {

class LineReader {
 public:
  enum class Status { kLine, kTimeout, kEnd, kStopped };

  /// Reads `fd` (not owned); `stop_fd` (or -1) becomes readable on stop.
  LineReader(int fd, std::size_t max_line, int stop_fd) : fd_(fd), max_line_(max_line), stop_fd_(stop_fd) {}

  /// The next line without its '\n' (kLine; `overlong` if it was cut to
  /// max_line bytes), or kTimeout after `timeout_ms` (< 0: wait for ever),
  /// kEnd at the end of input (a last line without '\n' is returned first),
  /// kStopped once stop_fd is readable.
  Status next(std::string& line, bool& overlong, int timeout_ms);

 private:
  bool take_line(std::string& line, bool& overlong);

  int fd_;
  std::size_t max_line_;
  int stop_fd_;
  std::string buf_;          // bytes read, not yet returned (at most one chunk beyond the cap)
  std::size_t scanned_ = 0;  // bytes of buf_ known to hold no '\n'
  bool skipping_ = false;    // inside an overlong line: drop bytes up to the next '\n'
  bool eof_ = false;
};

/// Opens `path` for LineReader ("-": standard input). A FIFO is opened
/// without blocking, so a stop signal is served before a writer appears.
/// Throws AppError ("cannot read PATH: reason").
int open_line_source(const std::string& path);

}  // namespace comments
