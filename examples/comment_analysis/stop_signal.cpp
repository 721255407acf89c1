#include "comment_analysis/stop_signal.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include "common/app_error.hpp"

namespace comments {

namespace {

sigset_t stop_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

StopSignal::StopSignal() {
  if (::pipe2(pipe_, O_CLOEXEC) != 0) throw app::AppError(std::string("cannot create a pipe: ") + std::strerror(errno));
  const sigset_t set = stop_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  waiter_ = std::thread([this] {
    const sigset_t wait_set = stop_set();
    int sig = 0;
    while (sigwait(&wait_set, &sig) == 0) {
      if (closing_.load()) return;  // our own wake-up from the destructor
      int expected = 0;
      signal_.compare_exchange_strong(expected, sig);
      const char byte = 1;
      [[maybe_unused]] const ssize_t n = ::write(pipe_[1], &byte, 1);
    }
  });
}

StopSignal::~StopSignal() {
  closing_.store(true);
  pthread_kill(waiter_.native_handle(), SIGTERM);
  waiter_.join();
  ::close(pipe_[0]);
  ::close(pipe_[1]);
}

}  // namespace comments
