#include "interrupt.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>

#include "liveformer/core/error.hpp"

namespace lf::cli {
namespace {

// Touched by the signal handler, so lock-free.
std::atomic<int> g_presses{0};
static_assert(std::atomic<int>::is_always_lock_free);
int g_wake[2] = {-1, -1};  // the self-pipe: the handler writes, poll() reads
struct sigaction g_previous {};

void on_interrupt(int) {
  if (g_presses.fetch_add(1) >= 1) {
    // Pressed again before the first press was served: the user wants out.
    const char newline = '\n';
    (void)!::write(STDERR_FILENO, &newline, 1);
    ::_exit(130);
  }
  const char byte = 1;
  (void)!::write(g_wake[1], &byte, 1);
}

}  // namespace

InterruptHandler::InterruptHandler() {
  if (::pipe2(g_wake, O_NONBLOCK | O_CLOEXEC) != 0)
    throw_error("Ctrl-C handling", std::string("cannot create a pipe: ") + std::strerror(errno));
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // other system calls carry on; the wake pipe reports the press
  g_presses.store(0);
  ::sigaction(SIGINT, &action, &g_previous);
}

InterruptHandler::~InterruptHandler() {
  ::sigaction(SIGINT, &g_previous, nullptr);
  ::close(g_wake[0]);
  ::close(g_wake[1]);
  g_wake[0] = g_wake[1] = -1;
}

bool InterruptHandler::requested() { return g_presses.load() > 0; }

void InterruptHandler::consume_press() {
  // The count first: a press while draining still shows in requested(),
  // which the prompt checks before it waits on the pipe.
  if (g_presses.load() > 0) g_presses.fetch_sub(1);
  char drain[64];
  while (::read(g_wake[0], drain, sizeof drain) > 0) {
  }
}

int InterruptHandler::wake_fd() { return g_wake[0]; }

}  // namespace lf::cli
