// One HTTP/1.1 connection: reads requests, hands them to the handler,
// writes responses and event streams, enforces the limits, and hands the
// socket over to a WebSocket session on an upgrade.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "deadline.hpp"
#include "server_core.hpp"
#include "wire.hpp"

namespace lf::http::detail {

class StreamShared;

/// The peer as "ip:port" ("[v6]:port"); "?" when unknown.
std::string endpoint_string(const boost::asio::ip::tcp::socket& s);

/// Everything runs on the connection's strand (the socket's executor).
/// Other threads reach it only through post_to() (Reply, EventStream).
///
/// One read is kept outstanding in every phase (up to a bounded buffer):
/// it receives the request, notices a client that leaves while its request
/// is handled or streamed, and buffers pipelined requests.
class HttpSession final : public Session, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(Core& core, boost::asio::ip::tcp::socket socket);
  ~HttpSession() override;

  /// Registers the connection (for max_connections and stop()) and starts
  /// reading on the strand.
  void start();
  void post_stop() override;
  const boost::asio::any_io_executor& strand() const { return strand_; }

  // Posted by Reply and EventStream; `seq` / `stream` tell stale posts
  // (for an earlier request) from current ones.
  void deliver(std::uint64_t seq, Response response);
  void begin_stream(std::uint64_t seq, HeaderList headers, std::shared_ptr<StreamShared> stream);
  void stream_flush(const std::shared_ptr<StreamShared>& stream);
  void stream_end(const std::shared_ptr<StreamShared>& stream);
  /// Closes the connection without the last chunk (the client must not take
  /// the stream for complete); with `flush_first`, after what was queued.
  void stream_abort(const std::shared_ptr<StreamShared>& stream, bool flush_first);

 private:
  enum class Phase {
    idle,        ///< between requests (or before the first)
    reading,     ///< a request is arriving
    handling,    ///< the handler has it; no answer yet
    responding,  ///< the answer is queued; then the next request or a close
    streaming,   ///< an event stream is open
    lingering,   ///< closing after a final response: reads are discarded
    closed,
  };
  /// What to do once everything queued is written.
  enum class After {
    nothing,
    next_request,
    close,  ///< a final response: half-close and linger
    abort,  ///< an unfinished stream: close at once
  };
  struct Out {
    std::string bytes;
    bool stream = false;  ///< counts against the event stream's buffer
  };
  using Parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

  void maybe_read();
  void on_read(const boost::system::error_code& ec, std::size_t n);
  void on_read_deadline();
  void process_input();
  void begin_request();
  void maybe_continue();
  void dispatch();
  void upgrade(boost::beast::http::request<boost::beast::http::string_body> msg, const Request& req);
  void finish_upgrade();
  void fail(int status, const std::string& message);
  void respond(Response response, bool close_after);
  void queue(std::string bytes, bool stream = false);
  void do_write();
  void on_write(const boost::system::error_code& ec, std::size_t n);
  void on_drained();
  void finish_request();
  void start_linger();
  void close();
  Connection connection_header(bool close_after) const;

  Core& core_;
  const boost::asio::any_io_executor strand_;
  boost::asio::ip::tcp::socket socket_;
  const std::string remote_;
  Registration registration_;
  Deadline read_deadline_;   ///< idle, whole-request and linger limits
  Deadline write_deadline_;  ///< per write
  Deadline hold_;            ///< keeps the session alive while a handler has it
  /// Shared with Reply handles (Reply::connected()).
  const std::shared_ptr<std::atomic<bool>> connected_;

  Phase phase_ = Phase::idle;
  boost::beast::flat_buffer in_;  ///< received, not yet parsed
  std::vector<char> read_buf_;    ///< what the outstanding read fills
  std::optional<Parser> parser_;
  bool reading_ = false;
  bool first_request_ = true;
  bool continue_checked_ = false;

  std::deque<Out> out_;
  std::size_t in_flight_ = 0;  ///< out_ entries the current write covers
  bool writing_ = false;
  After after_ = After::nothing;
  std::uint64_t bytes_out_total_ = 0;

  // The request being served.
  std::uint64_t seq_ = 0;
  bool keep_alive_ = false;
  bool http11_ = true;
  bool head_request_ = false;
  std::shared_ptr<StreamShared> stream_;
  AccessRecord record_;
  bool record_open_ = false;
  std::chrono::steady_clock::time_point record_start_;
  std::uint64_t record_out_mark_ = 0;

  // An accepted upgrade waiting for the outstanding read to be cancelled
  // before the socket can move.
  struct PendingUpgrade {
    boost::beast::http::request<boost::beast::http::string_body> msg;
    WebSocketHandlers handlers;
  };
  std::optional<PendingUpgrade> pending_upgrade_;
};

}  // namespace lf::http::detail
