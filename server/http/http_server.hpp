// A small HTTP/1.1 + WebSocket server over Boost.Beast (Asio): the
// transport under `liveformer serve`. It knows nothing of models: handlers
// get a parsed request and answer through a Reply, at once or later from
// any thread (a generation finishing on the scheduler's thread), as one
// response or as a server-sent-events stream. Every limit a hostile client
// could push against is here, with a bounded default.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lf::http {

struct Limits {
  std::size_t max_body_bytes = 4u << 20;      ///< larger bodies: 413
  std::size_t max_header_bytes = 16u << 10;   ///< larger request heads: 431
  /// A request (head and body) must arrive within this; a client sending a
  /// byte a second is cut off (408 when nothing was answered yet).
  std::chrono::milliseconds read_timeout{15000};
  /// Idle keep-alive connections are closed after this. A WebSocket
  /// silent for half of it is pinged, and closed if still silent at the end.
  std::chrono::milliseconds idle_timeout{30000};
  /// A response or event that a client does not read within this closes
  /// the connection (a client that never reads its stream).
  std::chrono::milliseconds write_timeout{15000};
  /// Bytes an event stream may hold unsent; past it the stream is closed.
  std::size_t max_stream_buffer_bytes = 1u << 20;
  std::size_t max_connections = 1024;         ///< more: accepted and closed with 503
  std::size_t ws_max_message_bytes = 64u << 10;  ///< larger WebSocket messages close the socket (1009)
  /// Outgoing WebSocket messages queued at most; past it the oldest queued
  /// one is dropped (and counted).
  std::size_t ws_max_queue = 1024;
};

struct Request {
  std::string method;   ///< "GET", "POST", ...
  std::string path;     ///< target without the query, percent-decoding not applied
  std::string query;    ///< after '?', without it
  std::map<std::string, std::string> headers;  ///< lower-case names
  std::string body;
  std::string remote;   ///< peer "ip:port"
  std::uint64_t id = 0; ///< per server, increasing
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  ///< extra headers (e.g. Retry-After)
};

/// A server-sent-events stream (text/event-stream) on one connection.
/// Thread-safe; held by whoever produces the events.
class EventStream {
 public:
  virtual ~EventStream() = default;
  /// Queues "data: <data>\n\n". False when the client is gone or the stream
  /// was closed (its buffer overflowed, it timed out): stop producing.
  virtual bool send(const std::string& data) = 0;
  /// Ends the stream after everything queued is written (the connection
  /// may then serve the next keep-alive request or close). This server
  /// keeps an HTTP/1.1 connection alive after the final chunk; an HTTP/1.0
  /// client gets an unchunked stream that ends with the connection.
  virtual void end() = 0;
  /// False once the client disconnected or the stream ended.
  virtual bool open() const = 0;
  /// Called once (on an I/O thread) when the client goes away before end();
  /// set it right after start_events(); called at once if already gone.
  /// "Goes away" includes the server dropping it: buffer overflow, write
  /// timeout, stop(), or the EventStream destroyed before end().
  virtual void on_disconnect(std::function<void()> fn) = 0;
};

/// The answer to one request. Exactly one of send() or start_events() is
/// used, once; a Reply dropped unused answers 500. Copyable handle,
/// callable from any thread.
class Reply {
 public:
  struct State;
  explicit Reply(std::shared_ptr<State> s) : state_(std::move(s)) {}
  void send(Response response) const;
  /// Starts a 200 text/event-stream response.
  std::shared_ptr<EventStream> start_events(std::vector<std::pair<std::string, std::string>> headers = {}) const;
  /// False once the client has disconnected (a handler may stop early).
  bool connected() const;

 private:
  std::shared_ptr<State> state_;
};

/// One WebSocket connection (text messages). Thread-safe.
class WebSocket {
 public:
  virtual ~WebSocket() = default;
  /// Queues a text message; when ws_max_queue are queued, the oldest queued
  /// one is dropped. False once closed.
  virtual bool send(std::string text) = 0;
  virtual void close() = 0;
  virtual bool open() const = 0;
  /// Messages dropped by send() so far.
  virtual std::uint64_t dropped() const = 0;
};

/// What a WebSocket route does with its socket.
struct WebSocketHandlers {
  /// Each text message received, in order, on an I/O thread (keep it short).
  std::function<void(const std::shared_ptr<WebSocket>&, std::string message)> on_message;
  std::function<void(const std::shared_ptr<WebSocket>&)> on_close;
  /// Addition: called once after the handshake, before any on_message, so
  /// a socket that only listens can be pushed to. Optional.
  std::function<void(const std::shared_ptr<WebSocket>&)> on_open;
};

/// One line per finished request (for structured access logs). A request
/// whose client left before it was answered is logged with status 499; a
/// WebSocket with 101 when it closes, its bytes being message payloads.
struct AccessRecord {
  std::uint64_t id = 0;
  std::string remote, method, path;
  int status = 0;
  std::uint64_t bytes_in = 0, bytes_out = 0;
  double seconds = 0;
};

/// OpenAI's error body, {"error": {"message", "type", "param", "code"}}:
/// the one writer of it, for the transport's own errors and its users'.
/// Bytes that are not UTF-8 become U+FFFD; `param` empty means null.
std::string openai_error_json(std::string_view message, std::string_view type, std::string_view param = {});

class Server {
 public:
  /// Handles every HTTP request (not WebSocket upgrades).
  using Handler = std::function<void(const Request&, Reply)>;
  /// For an upgrade request: return handlers to accept it, or set `refuse`
  /// (a full response, e.g. 404 for an unknown room) and return {}.
  /// Returning {} with `refuse` left at a 2xx status answers 404; with no
  /// UpgradeHandler every upgrade is answered 404.
  using UpgradeHandler = std::function<WebSocketHandlers(const Request&, Response& refuse)>;

  Server(Limits limits, Handler handler, UpgradeHandler upgrade = {},
         std::function<void(const AccessRecord&)> access_log = {});
  ~Server();  ///< stop()s
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds and starts `io_threads` I/O threads; port 0 picks a free port.
  /// Throws std::runtime_error with the reason when it cannot bind.
  void start(const std::string& host, std::uint16_t port, int io_threads = 2);
  std::uint16_t port() const;  ///< the bound port
  /// Stops accepting new connections; open ones continue.
  void stop_accepting();
  /// Closes every connection and joins the I/O threads. Idempotent; must
  /// not be called from a handler (an I/O thread cannot join itself:
  /// std::logic_error). Reply / EventStream / WebSocket handles may outlive
  /// the server: they then do nothing.
  void stop();
  std::size_t open_connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lf::http
