#include "comment_analysis/line_reader.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/app_error.hpp"

namespace comments {

namespace {
constexpr std::size_t kChunk = 1 << 16;
}

bool LineReader::take_line(std::string& line, bool& overlong) {
  const std::size_t nl = buf_.find('\n', scanned_);
  if (nl == std::string::npos) {
    scanned_ = buf_.size();
    if (buf_.size() > max_line_) {
      // Keep the first max_line bytes as the line, drop the rest as it comes.
      if (!skipping_) {
        line = buf_.substr(0, max_line_);
        overlong = true;
        skipping_ = true;
        buf_.clear();
        scanned_ = 0;
        return true;
      }
      buf_.clear();
      scanned_ = 0;
    }
    return false;
  }
  if (skipping_) {  // the tail of an overlong line, already reported
    buf_.erase(0, nl + 1);
    scanned_ = 0;
    skipping_ = false;
    return take_line(line, overlong);
  }
  overlong = nl > max_line_;
  line = buf_.substr(0, overlong ? max_line_ : nl);
  buf_.erase(0, nl + 1);
  scanned_ = 0;
  return true;
}

LineReader::Status LineReader::next(std::string& line, bool& overlong, int timeout_ms) {
  overlong = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms);
  for (;;) {
    if (take_line(line, overlong)) return Status::kLine;
    if (eof_) {
      if (!buf_.empty() && !skipping_) {
        line = std::move(buf_);
        buf_.clear();
        return Status::kLine;
      }
      return Status::kEnd;
    }
    pollfd fds[2] = {{fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    int wait = -1;
    if (timeout_ms >= 0) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      wait = static_cast<int>(std::max<long long>(0, left.count()));
    }
    const int ready = ::poll(fds, stop_fd_ >= 0 ? 2 : 1, wait);
    if (ready < 0) {
      if (errno == EINTR) continue;
      throw app::AppError(std::string("cannot wait for input: ") + std::strerror(errno));
    }
    if (stop_fd_ >= 0 && (fds[1].revents & POLLIN)) return Status::kStopped;
    if (ready == 0) return Status::kTimeout;
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      const std::size_t old = buf_.size();
      buf_.resize(old + kChunk);
      const ssize_t got = ::read(fd_, buf_.data() + old, kChunk);
      buf_.resize(old + static_cast<std::size_t>(got > 0 ? got : 0));
      if (got == 0) eof_ = true;
      else if (got < 0 && errno != EAGAIN && errno != EINTR)
        throw app::AppError(std::string("cannot read the input: ") + std::strerror(errno));
    } else if (fds[0].revents & POLLNVAL) {
      eof_ = true;
    }
  }
}

int open_line_source(const std::string& path) {
  if (path == "-") return STDIN_FILENO;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw app::AppError("cannot read " + path + ": it is a directory");
  struct stat st {};
  const bool fifo = ::stat(path.c_str(), &st) == 0 && S_ISFIFO(st.st_mode);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (fifo ? O_NONBLOCK : 0));
  if (fd < 0) throw app::AppError("cannot read " + path + ": " + std::strerror(errno));
  return fd;
}

}  // namespace comments
