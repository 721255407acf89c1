// Reply::State: what a Reply handle knows of its request, shared by every
// copy of the handle and by no one else, so its destructor can tell that
// the handler dropped the request unanswered.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "http_server.hpp"

namespace lf::http::detail {
struct Gate;
class HttpSession;
}  // namespace lf::http::detail

namespace lf::http {

struct Reply::State {
  State(std::shared_ptr<detail::Gate> gate, std::weak_ptr<detail::HttpSession> session,
        std::shared_ptr<const std::atomic<bool>> connected, std::uint64_t seq, std::size_t stream_limit, bool chunked)
      : gate(std::move(gate)),
        session(std::move(session)),
        connected(std::move(connected)),
        seq(seq),
        stream_limit(stream_limit),
        chunked(chunked) {}
  State(const State&) = delete;
  State& operator=(const State&) = delete;
  /// Answers 500 if nobody answered.
  ~State();

  /// True for the one caller that may answer.
  bool claim() { return !answered.exchange(true); }

  const std::shared_ptr<detail::Gate> gate;
  /// Weak: the connection lives by its own I/O, and a handle outliving it
  /// (or the server) must not keep its socket.
  const std::weak_ptr<detail::HttpSession> session;
  /// The connection's liveness, cleared when it closes.
  const std::shared_ptr<const std::atomic<bool>> connected;
  /// Which request on the connection this answers.
  const std::uint64_t seq;
  const std::size_t stream_limit;
  const bool chunked;  ///< HTTP/1.1: event streams are chunked
  std::atomic<bool> answered{false};
};

}  // namespace lf::http
