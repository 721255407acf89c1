// A server-sent-events stream: the producer's handle (EventStreamImpl, any
// thread) and the state it shares with the connection (StreamShared).
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "http_server.hpp"

namespace lf::http::detail {

struct Gate;
class HttpSession;

/// Events queued by the producer and not yet written, with the byte count
/// that bounds them. The producer pushes framed events; the connection
/// takes them on its strand, reports them written, and kills the stream
/// when the connection ends.
class StreamShared {
 public:
  StreamShared(std::size_t limit, bool chunked) : limit_(limit), chunked_(chunked) {}

  enum class Push {
    queued,       ///< the connection already has a flush coming
    queued_wake,  ///< the caller must post a flush
    overflow,     ///< over the limit: the caller must abort the connection
    closed,       ///< ended, overflowed or dead
  };
  Push push(std::string_view data);
  /// Marks the stream ending; true if it was open (the caller posts the end).
  bool begin_end();
  /// Marks a stream dropped while open as aborting; true if it was open
  /// (the caller posts the abort).
  bool abandon();
  bool is_open() const;
  void set_on_disconnect(std::function<void()> fn);
  bool chunked() const { return chunked_; }

  // The connection's side, on its strand.
  std::vector<std::string> take();
  void written(std::size_t bytes);
  /// The connection is gone or gave up on the stream: send() fails from
  /// now on, and on_disconnect runs (here, once) unless end() came first.
  void kill();
  /// As kill(), without running the callback (for destructors).
  void kill_quietly();

 private:
  enum class State { open, aborting, ending, dead };
  std::function<void()> mark_dead();

  mutable std::mutex mutex_;
  const std::size_t limit_;
  const bool chunked_;
  State state_ = State::open;
  std::deque<std::string> pending_;
  std::size_t unsent_ = 0;  ///< framed bytes pushed and not yet written
  bool wake_ = false;       ///< a flush is posted or the connection will look again
  bool died_early_ = false; ///< killed before end(): on_disconnect applies
  bool fired_ = false;
  std::function<void()> on_disconnect_;
};

class EventStreamImpl final : public EventStream {
 public:
  EventStreamImpl(std::shared_ptr<Gate> gate, std::weak_ptr<HttpSession> session, std::shared_ptr<StreamShared> shared)
      : gate_(std::move(gate)), session_(std::move(session)), shared_(std::move(shared)) {}
  /// A stream dropped before end() closes its connection: the client must
  /// not take a truncated stream for a finished one.
  ~EventStreamImpl() override;

  bool send(const std::string& data) override;
  void end() override;
  bool open() const override;
  void on_disconnect(std::function<void()> fn) override;

 private:
  /// Overflow: close at once (the client is not reading anyway). Dropped
  /// unended: write what was sent first, then close.
  void post_abort(bool flush_first);

  std::shared_ptr<Gate> gate_;
  std::weak_ptr<HttpSession> session_;
  std::shared_ptr<StreamShared> shared_;
};

}  // namespace lf::http::detail
