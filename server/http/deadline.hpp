// A one-shot timer for a connection's strand.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

namespace lf::http::detail {

/// Runs a callback when it expires, unless re-armed or cancelled first.
/// Asio still reports "expired" to a wait that was superseded after the
/// timer fired but before its handler ran, so every arm() and cancel()
/// bumps a generation the handler checks. The callback must own whatever
/// owns the Deadline (a shared_ptr to the session), which also keeps
/// `this` valid in the handler.
class Deadline {
 public:
  explicit Deadline(const boost::asio::any_io_executor& ex) : timer_(ex) {}

  template <class Fn>
  void arm(std::chrono::milliseconds after, Fn fn) {
    // Limits may say "practically never" with huge values; steady_clock
    // arithmetic would overflow on them.
    if (after > std::chrono::hours(24 * 365 * 10))
      timer_.expires_at(boost::asio::steady_timer::time_point::max());
    else
      timer_.expires_after(std::max(after, std::chrono::milliseconds(0)));
    wait(std::move(fn));
  }

  /// Never expires: a pending wait that only keeps the owner alive.
  template <class Fn>
  void hold(Fn keep_alive) {
    timer_.expires_at(boost::asio::steady_timer::time_point::max());
    wait(std::move(keep_alive));
  }

  void cancel() {
    ++generation_;
    timer_.cancel();
  }

 private:
  template <class Fn>
  void wait(Fn fn) {
    const auto generation = ++generation_;
    timer_.async_wait([this, generation, fn = std::move(fn)](const boost::system::error_code& ec) mutable {
      if (!ec && generation == generation_) fn();
    });
  }

  boost::asio::steady_timer timer_;
  std::uint64_t generation_ = 0;
};

}  // namespace lf::http::detail
