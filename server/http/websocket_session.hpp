// One WebSocket connection: the session on its strand (WsSession), the
// handle other threads send through (WebSocketImpl) and the bounded
// outgoing queue between them (WsQueue).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "deadline.hpp"
#include "server_core.hpp"

namespace lf::http::detail {

/// Messages sent and not yet being written. When full, a send drops the
/// oldest one: a live view wants the newest state, and a slow client must
/// not grow the server's memory.
class WsQueue {
 public:
  explicit WsQueue(std::size_t max) : max_(max == 0 ? 1 : max) {}

  enum class Push { queued, queued_wake, closed };
  Push push(std::string text);
  /// Refuses further sends; what is queued still goes out. True if it was open.
  bool close();
  bool is_open() const;
  std::uint64_t dropped() const;

  // The session's side.
  /// The next message, or none (and the session will be woken by the next push).
  std::optional<std::string> pop();
  /// The connection is over: refuse sends and forget the queue.
  void shut();

 private:
  mutable std::mutex mutex_;
  const std::size_t max_;
  std::deque<std::string> queue_;
  bool open_ = true;
  bool wake_ = false;  ///< the session has a pump posted or will look again
  std::uint64_t dropped_ = 0;
};

class WsSession;

class WebSocketImpl final : public WebSocket {
 public:
  WebSocketImpl(std::shared_ptr<Gate> gate, std::weak_ptr<WsSession> session, std::shared_ptr<WsQueue> queue)
      : gate_(std::move(gate)), session_(std::move(session)), queue_(std::move(queue)) {}
  bool send(std::string text) override;
  void close() override;
  bool open() const override;
  std::uint64_t dropped() const override;

 private:
  std::shared_ptr<Gate> gate_;
  std::weak_ptr<WsSession> session_;
  std::shared_ptr<WsQueue> queue_;
};

/// Everything runs on the strand the HTTP session had (the socket's
/// executor). One read is always outstanding: messages, pings, the close.
class WsSession final : public Session, public std::enable_shared_from_this<WsSession> {
 public:
  /// `record` is the upgrade request's access record, logged at the end.
  WsSession(Core& core, boost::asio::ip::tcp::socket socket, AccessRecord record,
            std::chrono::steady_clock::time_point started);
  void start(boost::beast::http::request<boost::beast::http::string_body> upgrade, WebSocketHandlers handlers);
  void post_stop() override;
  const boost::asio::any_io_executor& strand() const { return strand_; }

  // Posted by WebSocketImpl.
  void pump();
  void close_requested();

 private:
  void on_accept(const boost::system::error_code& ec);
  void read();
  void on_read(const boost::system::error_code& ec, std::size_t n);
  void on_write(const boost::system::error_code& ec);
  /// Closes with `code` once the current write is done, dropping the queue.
  void fail(boost::beast::websocket::close_code code);
  void finish();

  Core& core_;
  const boost::asio::any_io_executor strand_;
  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
  Registration registration_;
  Deadline write_deadline_;
  boost::beast::http::request<boost::beast::http::string_body> upgrade_;
  WebSocketHandlers handlers_;
  const std::shared_ptr<WsQueue> queue_;
  std::shared_ptr<WebSocketImpl> handle_;
  boost::beast::flat_buffer in_;
  std::string writing_message_;
  bool accepted_ = false;
  bool writing_ = false;
  bool closing_ = false;     ///< a close frame goes out once the queue is written
  bool close_sent_ = false;
  bool failed_ = false;      ///< closing on an error: deliver no more messages
  bool finished_ = false;
  boost::beast::websocket::close_code close_code_ = boost::beast::websocket::close_code::normal;
  AccessRecord record_;
  const std::chrono::steady_clock::time_point started_;
};

}  // namespace lf::http::detail
