// lf::http::Server against real sockets on 127.0.0.1: plain POSIX clients
// for HTTP (so every byte on the wire is the test's own), Beast's client
// for WebSocket framing. Handlers never assert (Catch2 is not
// thread-safe); they hand what they saw to the test thread.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include "http/http_server.hpp"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using lf::http::AccessRecord;
using lf::http::EventStream;
using lf::http::Limits;
using lf::http::Reply;
using lf::http::Request;
using lf::http::Response;
using lf::http::Server;
using lf::http::WebSocket;
using lf::http::WebSocketHandlers;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 3000ms) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return pred();
}

// ---- an HTTP client over a plain socket ----------------------------------------

struct Head {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;
  std::string body;
  std::vector<std::string> chunks;  // when chunked
  std::size_t wire_bytes = 0;       // head and body as received
};

class Client {
 public:
  explicit Client(std::uint16_t port, int rcvbuf = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    // Set before connect, so the window the server sees is small from the start.
    if (rcvbuf > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    timeval five{5, 0};  // a blocking send can never hang the test
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &five, sizeof five);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~Client() { close(); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  bool send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  enum class Got { data, eof, timeout };
  /// One recv into the buffer, waiting until `deadline` at most. A reset
  /// counts as the end too.
  Got fill(Clock::time_point deadline) {
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      pollfd p{fd_, POLLIN, 0};
      const int r = ::poll(&p, 1, static_cast<int>(std::max<long long>(left, 0)));
      if (r == 0) return Got::timeout;
      if (r < 0) {
        if (errno == EINTR) continue;
        return Got::eof;
      }
      char tmp[65536];
      const ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Got::eof;
      buffer.append(tmp, static_cast<std::size_t>(n));
      return Got::data;
    }
  }

  std::optional<std::string> line(Clock::time_point deadline) {
    for (;;) {
      const auto pos = buffer.find("\r\n");
      if (pos != std::string::npos) {
        std::string out = buffer.substr(0, pos);
        consume(pos + 2);
        return out;
      }
      if (fill(deadline) != Got::data) return std::nullopt;
    }
  }

  std::optional<std::string> take(std::size_t n, Clock::time_point deadline) {
    while (buffer.size() < n)
      if (fill(deadline) != Got::data) return std::nullopt;
    std::string out = buffer.substr(0, n);
    consume(n);
    return out;
  }

  std::optional<Head> read_head(std::chrono::milliseconds timeout = 5000ms) {
    const auto deadline = Clock::now() + timeout;
    auto status_line = line(deadline);
    if (!status_line || status_line->rfind("HTTP/1.1 ", 0) != 0 || status_line->size() < 12) return std::nullopt;
    Head head;
    head.status = std::stoi(status_line->substr(9, 3));
    for (;;) {
      auto l = line(deadline);
      if (!l) return std::nullopt;
      if (l->empty()) return head;
      const auto colon = l->find(':');
      if (colon == std::string::npos) return std::nullopt;
      std::string name = l->substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = l->substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      head.headers[name] = value;
    }
  }

  /// The next chunk's payload, checking its framing: "" for the last
  /// chunk, nullopt for anything else than a well-formed chunk.
  std::optional<std::string> read_chunk(std::chrono::milliseconds timeout = 5000ms) {
    const auto deadline = Clock::now() + timeout;
    auto size_line = line(deadline);
    if (!size_line || size_line->empty()) return std::nullopt;
    std::size_t used = 0;
    const std::size_t size = std::stoul(*size_line, &used, 16);
    if (used != size_line->size()) return std::nullopt;
    if (size == 0) {
      auto end = line(deadline);  // no trailers
      if (!end || !end->empty()) return std::nullopt;
      return std::string();
    }
    auto payload = take(size, deadline);
    auto crlf = line(deadline);
    if (!payload || !crlf || !crlf->empty()) return std::nullopt;
    return payload;
  }

  std::optional<HttpResponse> read_response(std::chrono::milliseconds timeout = 5000ms) {
    const auto deadline = Clock::now() + timeout;
    const std::size_t start = consumed_;
    auto head = read_head(timeout);
    if (!head) return std::nullopt;
    HttpResponse r;
    r.status = head->status;
    r.headers = head->headers;
    if (r.headers["transfer-encoding"] == "chunked") {
      for (;;) {
        auto c = read_chunk(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
        if (!c) return std::nullopt;
        if (c->empty()) break;
        r.body += *c;
        r.chunks.push_back(*c);
      }
    } else if (r.headers.count("content-length")) {
      auto body = take(std::stoul(r.headers["content-length"]), deadline);
      if (!body) return std::nullopt;
      r.body = *body;
    }
    r.wire_bytes = consumed_ - start;
    return r;
  }

  /// True once the server has closed (EOF or reset) within the timeout;
  /// what arrives before stays in `buffer`.
  bool wait_eof(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      switch (fill(deadline)) {
        case Got::eof: return true;
        case Got::timeout: return false;
        case Got::data: break;
      }
    }
  }

  std::string buffer;

 private:
  void consume(std::size_t n) {
    buffer.erase(0, n);
    consumed_ += n;
  }
  int fd_ = -1;
  std::size_t consumed_ = 0;
};

std::string get(const std::string& path, const std::string& extra = "") {
  return "GET " + path + " HTTP/1.1\r\nHost: test\r\n" + extra + "\r\n";
}

// ---- a WebSocket client (Beast), every operation under a timeout --------------

namespace net = boost::asio;
namespace websocket = boost::beast::websocket;
using boost::system::error_code;

class WsClient {
 public:
  explicit WsClient(std::uint16_t port, int rcvbuf = 0) : ws_(io_) {
    auto& s = ws_.next_layer();
    s.open(net::ip::tcp::v4());
    if (rcvbuf > 0) s.set_option(net::socket_base::receive_buffer_size(rcvbuf));
    s.connect({net::ip::make_address("127.0.0.1"), port});
  }

  error_code handshake(const std::string& target, websocket::response_type& res) {
    return run([&](auto done) { ws_.async_handshake(res, "127.0.0.1", target, done); });
  }
  error_code handshake(const std::string& target) {
    websocket::response_type res;
    return handshake(target, res);
  }
  error_code write(const std::string& text) {
    return run([&](auto done) { ws_.async_write(net::buffer(text), done); });
  }
  error_code read(std::string& out, std::chrono::milliseconds timeout = 5000ms) {
    boost::beast::flat_buffer buf;
    const auto ec = run([&](auto done) { ws_.async_read(buf, done); }, timeout);
    out = boost::beast::buffers_to_string(buf.data());
    return ec;
  }
  websocket::close_reason reason() const { return ws_.reason(); }

 private:
  template <class Start>
  error_code run(Start start, std::chrono::milliseconds timeout = 5000ms) {
    std::optional<error_code> result;
    start([&](const error_code& ec, auto&&...) { result = ec; });
    io_.restart();
    const auto deadline = Clock::now() + timeout;
    while (!result && Clock::now() < deadline) io_.run_one_for(deadline - Clock::now());
    if (!result) {  // give up: close, and let the operation finish with an error
      error_code ignored;
      ws_.next_layer().close(ignored);
      while (!result) io_.run_one();
      return net::error::timed_out;
    }
    return *result;
  }

  net::io_context io_;
  websocket::stream<net::ip::tcp::socket> ws_;
};

// ---- fixtures ---------------------------------------------------------------------

class AccessLog {
 public:
  std::function<void(const AccessRecord&)> sink() {
    return [this](const AccessRecord& r) {
      std::lock_guard lock(mutex_);
      records_.push_back(r);
    };
  }
  std::optional<AccessRecord> wait_for(const std::function<bool(const AccessRecord&)>& pred,
                                       std::chrono::milliseconds timeout = 3000ms) {
    std::optional<AccessRecord> found;
    eventually(
        [&] {
          std::lock_guard lock(mutex_);
          for (const auto& r : records_)
            if (pred(r)) found = r;
          return found.has_value();
        },
        timeout);
    return found;
  }
  std::vector<AccessRecord> records() {
    std::lock_guard lock(mutex_);
    return records_;
  }

 private:
  std::mutex mutex_;
  std::vector<AccessRecord> records_;
};

/// Threads that handlers start (answers from elsewhere); joined at the end.
class Workers {
 public:
  ~Workers() { join(); }
  template <class F>
  void spawn(F f) {
    std::lock_guard lock(mutex_);
    threads_.emplace_back(std::move(f));
  }
  void join() {
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mutex_);
      threads.swap(threads_);
    }
    for (auto& t : threads) t.join();
  }

 private:
  std::mutex mutex_;
  std::vector<std::thread> threads_;
};

/// One value handed from a handler's thread to the test's.
template <class T>
class Slot {
 public:
  void put(T v) {
    std::lock_guard lock(mutex_);
    value_ = std::move(v);
    cv_.notify_all();
  }
  std::optional<T> wait(std::chrono::milliseconds timeout = 3000ms) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, timeout, [&] { return value_.has_value(); });
    return value_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::optional<T> value_;
};

std::unique_ptr<Server> serve(const Limits& limits, Server::Handler handler, Server::UpgradeHandler upgrade = {},
                              AccessLog* log = nullptr) {
  auto server = std::make_unique<Server>(limits, std::move(handler), std::move(upgrade),
                                         log ? log->sink() : std::function<void(const AccessRecord&)>{});
  server->start("127.0.0.1", 0, 2);
  REQUIRE(server->port() != 0);
  return server;
}

Response text(std::string body) {
  Response r;
  r.content_type = "text/plain";
  r.body = std::move(body);
  return r;
}

void echo_path(const Request& req, Reply reply) { reply.send(text(req.method + " " + req.path)); }

bool is_openai_error(const std::string& body, const std::string& type) {
  return body.rfind("{\"error\":{\"message\":\"", 0) == 0 &&
         body.find("\"type\":\"" + type + "\",\"param\":null,\"code\":null}}") != std::string::npos;
}

}  // namespace

// ---- plain requests ------------------------------------------------------------------

TEST_CASE("a synchronous reply, with the request as parsed and an access record", "[http]") {
  AccessLog log;
  auto server = serve(
      Limits{},
      [](const Request& req, Reply reply) {
        Response r;
        r.body = "{\"path\":\"" + req.path + "\",\"query\":\"" + req.query + "\",\"x\":\"" + req.header("x-test") +
                 "\",\"id\":" + std::to_string(req.id) + ",\"remote\":\"" + req.remote + "\"}";
        r.headers.emplace_back("X-Extra", "1");
        r.headers.emplace_back("Bad-Value", "a\r\nInjected: yes");  // must not split the head
        reply.send(r);
      },
      {}, &log);
  Client c(server->port());
  const std::string request = get("/v1/models?limit=2", "X-Test: Hello\r\n");
  REQUIRE(c.send(request));
  auto r = c.read_response();
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->headers["content-type"] == "application/json");
  CHECK(r->headers["x-extra"] == "1");
  CHECK(r->headers.count("injected") == 0);
  CHECK(r->headers.count("date") == 1);
  CHECK(r->body.find("\"path\":\"/v1/models\",\"query\":\"limit=2\",\"x\":\"Hello\"") != std::string::npos);
  CHECK(r->body.find("\"remote\":\"127.0.0.1:") != std::string::npos);

  auto rec = log.wait_for([](const AccessRecord& a) { return a.path == "/v1/models"; });
  REQUIRE(rec);
  CHECK(rec->method == "GET");
  CHECK(rec->status == 200);
  CHECK(rec->id >= 1);
  CHECK(rec->remote.rfind("127.0.0.1:", 0) == 0);
  CHECK(rec->bytes_in == request.size());
  CHECK(rec->bytes_out == r->wire_bytes);
  CHECK(rec->seconds >= 0);
  CHECK(rec->seconds < 5);
}

TEST_CASE("start() on a port in use throws; port() reports the bound port", "[http]") {
  auto first = serve(Limits{}, echo_path);
  Server second(Limits{}, echo_path);
  CHECK_THROWS_AS(second.start("127.0.0.1", first->port(), 1), std::runtime_error);
  Client c(first->port());
  REQUIRE(c.send(get("/still")));
  auto r = c.read_response();
  REQUIRE(r);
  CHECK(r->body == "GET /still");
}

TEST_CASE("stop_accepting(): no new connections, open ones go on", "[http]") {
  auto server = serve(Limits{}, echo_path);
  Client open(server->port());
  REQUIRE(open.send(get("/before")));
  REQUIRE(open.read_response());
  server->stop_accepting();
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(server->port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CHECK(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0);  // nobody listens
  ::close(fd);
  REQUIRE(open.send(get("/after")));
  auto r = open.read_response();
  REQUIRE(r);
  CHECK(r->body == "GET /after");
}

TEST_CASE("an answer sent later from another thread", "[http]") {
  std::atomic<bool> connected_seen{false};
  Workers workers;
  auto server = serve(Limits{}, [&](const Request& req, Reply reply) {
    workers.spawn([reply, path = req.path, &connected_seen] {
      std::this_thread::sleep_for(100ms);
      connected_seen = reply.connected();
      reply.send(text("late " + path));
      reply.send(text("a second answer is ignored"));
    });
  });
  Client c(server->port());
  const auto t0 = Clock::now();
  REQUIRE(c.send(get("/slow")));
  auto r = c.read_response();
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == "late /slow");
  CHECK(seconds_since(t0) >= 0.09);
  CHECK(connected_seen);
  // The ignored second answer left the connection usable.
  REQUIRE(c.send(get("/again")));
  r = c.read_response();
  REQUIRE(r);
  CHECK(r->body == "late /again");
}

TEST_CASE("keep-alive: sequential and pipelined requests on one connection, in order", "[http]") {
  AccessLog log;
  auto server = serve(Limits{}, echo_path, {}, &log);
  Client c(server->port());
  REQUIRE(c.send(get("/a")));
  auto r1 = c.read_response();
  REQUIRE(c.send(get("/b")));
  auto r2 = c.read_response();
  REQUIRE(r1);
  REQUIRE(r2);
  CHECK(r1->body == "GET /a");
  CHECK(r2->body == "GET /b");
  CHECK(r1->headers.count("connection") == 0);  // HTTP/1.1: keep-alive goes without saying

  // Three requests in one write; a POST with a body among them.
  REQUIRE(c.send(get("/c") + "POST /d HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nxyz" + get("/e")));
  for (const char* want : {"GET /c", "POST /d", "GET /e"}) {
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->body == want);
  }
  CHECK(server->open_connections() == 1);
  REQUIRE(log.wait_for([](const AccessRecord& a) { return a.path == "/e"; }));
  std::vector<std::uint64_t> ids;
  std::string remote;
  for (const auto& a : log.records()) {
    ids.push_back(a.id);
    if (remote.empty()) remote = a.remote;
    CHECK(a.remote == remote);  // all on the one connection
  }
  CHECK(ids.size() == 5);
  CHECK(std::is_sorted(ids.begin(), ids.end()));

  // HTTP/1.0 without keep-alive: answered, then closed.
  Client old(server->port());
  REQUIRE(old.send("GET /old HTTP/1.0\r\n\r\n"));
  auto r = old.read_response();
  REQUIRE(r);
  CHECK(r->body == "GET /old");
  CHECK(r->headers["connection"] == "close");
  CHECK(old.wait_eof(2000ms));
}

TEST_CASE("Expect: 100-continue is answered before the body is sent", "[http]") {
  auto server = serve(Limits{}, [](const Request& req, Reply reply) { reply.send(text(req.body)); });
  Client c(server->port());
  REQUIRE(c.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  auto cont = c.read_head();
  REQUIRE(cont);
  CHECK(cont->status == 100);
  REQUIRE(c.send("hello"));
  auto r = c.read_response();
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == "hello");
}

// ---- limits ------------------------------------------------------------------------------

TEST_CASE("413 for a body over max_body_bytes, by Content-Length or chunked", "[http][limits]") {
  Limits limits;
  limits.max_body_bytes = 1024;
  std::atomic<int> handled{0};
  auto server = serve(limits, [&](const Request& req, Reply reply) {
    ++handled;
    reply.send(text(std::to_string(req.body.size())));
  });
  {
    Client c(server->port());
    REQUIRE(c.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1024\r\n\r\n" + std::string(1024, 'a')));
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);  // exactly at the limit
    CHECK(r->body == "1024");
  }
  {
    Client c(server->port());
    c.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n" + std::string(100000, 'a'));
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 413);
    CHECK(r->headers["connection"] == "close");
    CHECK(is_openai_error(r->body, "invalid_request_error"));
    CHECK(c.wait_eof(3000ms));
  }
  {
    Client c(server->port());
    std::string chunked = "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 4; ++i) chunked += "320\r\n" + std::string(800, 'b') + "\r\n";
    c.send(chunked + "0\r\n\r\n");
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 413);
    CHECK(c.wait_eof(3000ms));
  }
  CHECK(handled == 1);
}

TEST_CASE("431 for a request head over max_header_bytes", "[http][limits]") {
  Limits limits;
  limits.max_header_bytes = 4096;
  auto server = serve(limits, echo_path);
  {
    Client c(server->port());
    REQUIRE(c.send(get("/fits", "X-Big: " + std::string(3000, 'h') + "\r\n")));
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
  }
  Client c(server->port());
  c.send(get("/huge", "X-Big: " + std::string(20000, 'h') + "\r\n"));
  auto r = c.read_response();
  REQUIRE(r);
  CHECK(r->status == 431);
  CHECK(is_openai_error(r->body, "invalid_request_error"));
  CHECK(c.wait_eof(3000ms));
}

TEST_CASE("400 for malformed requests, then the connection closes", "[http][limits]") {
  std::atomic<int> handled{0};
  auto server = serve(Limits{}, [&](const Request&, Reply reply) {
    ++handled;
    reply.send(text("?"));
  });
  for (const std::string& bad : {std::string("GARBAGE\r\n\r\n"), std::string("GET / HTTP/9.9\r\n\r\n"),
                                std::string("GET / HTTP/1.1\r\nNo colon here\r\n\r\n"),
                                std::string("POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n")}) {
    Client c(server->port());
    REQUIRE(c.send(bad));
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(is_openai_error(r->body, "invalid_request_error"));
    CHECK(c.wait_eof(3000ms));
  }
  CHECK(handled == 0);
}

TEST_CASE("slowloris: a request trickling in is cut off at read_timeout while others are served", "[http][limits]") {
  Limits limits;
  limits.read_timeout = 300ms;
  auto server = serve(limits, echo_path);
  Client slow(server->port());
  Client silent(server->port());  // connects and never speaks
  const auto t0 = Clock::now();
  REQUIRE(slow.send("GET /slow HTTP/1.1\r\nHost: t\r\nX-Slow: "));
  bool closed = false;
  bool served_other = false;
  while (!closed && seconds_since(t0) < 4) {
    slow.send("a");  // one byte every 50 ms
    const auto got = slow.fill(Clock::now() + 50ms);
    closed = got == Client::Got::eof;
    if (!served_other && seconds_since(t0) > 0.1) {
      Client other(server->port());
      REQUIRE(other.send(get("/other")));
      auto r = other.read_response();
      REQUIRE(r);
      CHECK(r->body == "GET /other");
      served_other = true;
    }
  }
  const double elapsed = seconds_since(t0);
  CHECK(closed);
  CHECK(served_other);
  CHECK(elapsed >= 0.25);
  CHECK(elapsed < 3.0);
  CHECK(slow.buffer.rfind("HTTP/1.1 408 ", 0) == 0);
  CHECK(slow.buffer.find("\"type\":\"invalid_request_error\"") != std::string::npos);
  CHECK(silent.wait_eof(2000ms));
  CHECK(silent.buffer.empty());  // nothing was asked, nothing answered
}

TEST_CASE("an idle keep-alive connection closes after idle_timeout", "[http][limits]") {
  Limits limits;
  limits.idle_timeout = 200ms;
  auto server = serve(limits, echo_path);
  Client c(server->port());
  REQUIRE(c.send(get("/x")));
  REQUIRE(c.read_response());
  const auto t0 = Clock::now();
  CHECK(c.wait_eof(3000ms));
  CHECK(seconds_since(t0) >= 0.15);
  CHECK(eventually([&] { return server->open_connections() == 0; }));
}

TEST_CASE("max_connections: one more is answered 503 and closed", "[http][limits]") {
  Limits limits;
  limits.max_connections = 2;
  auto server = serve(limits, echo_path);
  auto a = std::make_unique<Client>(server->port());
  Client b(server->port());
  for (Client* c : {a.get(), &b}) {
    REQUIRE(c->send(get("/held")));
    REQUIRE(c->read_response());
  }
  CHECK(server->open_connections() == 2);
  {
    Client c(server->port());
    c.send(get("/third"));
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 503);
    CHECK(is_openai_error(r->body, "server_error"));
    CHECK(c.wait_eof(3000ms));
  }
  a.reset();  // frees a slot
  REQUIRE(eventually([&] { return server->open_connections() == 1; }));
  Client d(server->port());
  REQUIRE(d.send(get("/fourth")));
  auto r = d.read_response();
  REQUIRE(r);
  CHECK(r->status == 200);
}

TEST_CASE("a response the client does not read is cut off at write_timeout", "[http][limits]") {
  Limits limits;
  limits.write_timeout = 300ms;
  AccessLog log;
  const std::size_t size = 32u << 20;
  auto server = serve(
      limits,
      [&](const Request& req, Reply reply) { reply.send(text(req.path == "/big" ? std::string(size, 'z') : "ok")); },
      {}, &log);
  Client c(server->port(), /*rcvbuf=*/4096);
  const auto t0 = Clock::now();
  REQUIRE(c.send(get("/big")));
  auto rec = log.wait_for([](const AccessRecord& a) { return a.path == "/big"; }, 8000ms);
  REQUIRE(rec);
  CHECK(seconds_since(t0) < 4.0);
  CHECK(rec->bytes_out < size);  // cut off, not finished
  CHECK(eventually([&] { return server->open_connections() == 0; }));
  Client other(server->port());
  REQUIRE(other.send(get("/small")));
  auto r = other.read_response();
  REQUIRE(r);
  CHECK(r->body == "ok");
}

// ---- handler failures ----------------------------------------------------------------

TEST_CASE("a handler that throws gets a 500 and the connection lives on", "[http]") {
  auto server = serve(Limits{}, [](const Request& req, Reply reply) {
    if (req.path == "/std") throw std::runtime_error("boom");
    if (req.path == "/int") throw 42;
    reply.send(text("fine"));
  });
  Client c(server->port());
  REQUIRE(c.send(get("/std")));
  auto r = c.read_response();
  REQUIRE(r);
  CHECK(r->status == 500);
  CHECK(is_openai_error(r->body, "server_error"));
  CHECK(r->body.find("boom") != std::string::npos);
  REQUIRE(c.send(get("/int")));
  r = c.read_response();
  REQUIRE(r);
  CHECK(r->status == 500);
  REQUIRE(c.send(get("/fine")));
  r = c.read_response();
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == "fine");
}

TEST_CASE("a Reply dropped unanswered answers 500, at once or later", "[http]") {
  Workers workers;
  auto server = serve(Limits{}, [&](const Request& req, Reply reply) {
    if (req.path == "/later") workers.spawn([reply]() mutable { std::this_thread::sleep_for(50ms); });
    // /now: the handler returns without keeping the Reply
  });
  Client c(server->port());
  for (const char* path : {"/now", "/later"}) {
    REQUIRE(c.send(get(path)));
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 500);
    CHECK(is_openai_error(r->body, "server_error"));
  }
}

TEST_CASE("Reply::connected() turns false when the client leaves a pending request", "[http]") {
  AccessLog log;
  Slot<Reply> held;
  auto server = serve(Limits{}, [&](const Request&, Reply reply) { held.put(reply); }, {}, &log);
  auto c = std::make_unique<Client>(server->port());
  REQUIRE(c->send(get("/pending")));
  auto reply = held.wait();
  REQUIRE(reply);
  CHECK(reply->connected());
  c.reset();
  CHECK(eventually([&] { return !reply->connected(); }));
  auto rec = log.wait_for([](const AccessRecord& a) { return a.path == "/pending"; });
  REQUIRE(rec);
  CHECK(rec->status == 499);
  // A stream started for a client already gone is dead from the start,
  // and on_disconnect set on it runs at once (or as soon as it is known).
  auto stream = reply->start_events();
  std::atomic<bool> told{false};
  stream->on_disconnect([&] { told = true; });
  CHECK(eventually([&] { return told.load(); }));
  CHECK_FALSE(stream->send("nobody listens"));
  reply->send(text("nobody listens"));  // answered already: ignored, harmless
}

// ---- event streams ----------------------------------------------------------------------

TEST_CASE("an event stream: one chunk per event, UTF-8 intact, then keep-alive", "[http][sse]") {
  AccessLog log;
  const std::vector<std::string> events = {"héllo", "世界 🎉", "{\"delta\":\"ü\"}", "two\nlines", ""};
  Workers workers;
  auto server = serve(
      Limits{},
      [&](const Request& req, Reply reply) {
        if (req.path != "/events") return reply.send(text("plain"));
        auto stream = reply.start_events({{"X-Stream", "1"}});
        workers.spawn([stream, &events] {
          for (const auto& e : events) stream->send(e);
          stream->end();
          stream->end();  // twice is harmless
        });
      },
      {}, &log);
  Client c(server->port());
  REQUIRE(c.send(get("/events")));
  auto r = c.read_response();
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->headers["content-type"] == "text/event-stream");
  CHECK(r->headers["cache-control"] == "no-cache");
  CHECK(r->headers["transfer-encoding"] == "chunked");
  CHECK(r->headers["x-stream"] == "1");
  CHECK(r->headers.count("content-length") == 0);
  const std::vector<std::string> want = {"data: héllo\n\n", "data: 世界 🎉\n\n", "data: {\"delta\":\"ü\"}\n\n",
                                         "data: two\ndata: lines\n\n", "data: \n\n"};
  CHECK(r->chunks == want);

  REQUIRE(c.send(get("/after")));  // the connection serves the next request
  auto after = c.read_response();
  REQUIRE(after);
  CHECK(after->body == "plain");

  auto rec = log.wait_for([](const AccessRecord& a) { return a.path == "/events"; });
  REQUIRE(rec);
  CHECK(rec->status == 200);
  CHECK(rec->bytes_out == r->wire_bytes);
}

TEST_CASE("a client leaving a stream: on_disconnect runs and send() fails", "[http][sse]") {
  Slot<std::shared_ptr<EventStream>> held;
  std::atomic<int> disconnects{0};
  auto server = serve(Limits{}, [&](const Request&, Reply reply) {
    auto stream = reply.start_events();
    stream->on_disconnect([&] { ++disconnects; });
    stream->send("first");
    held.put(stream);
  });
  auto c = std::make_unique<Client>(server->port());
  REQUIRE(c->send(get("/events")));
  auto head = c->read_head();
  REQUIRE(head);
  CHECK(head->status == 200);
  auto first = c->read_chunk();
  REQUIRE(first);
  CHECK(*first == "data: first\n\n");
  auto stream = held.wait();
  REQUIRE(stream);
  CHECK((*stream)->open());
  c.reset();
  REQUIRE(eventually([&] { return disconnects == 1; }));
  CHECK_FALSE((*stream)->send("anyone?"));
  CHECK_FALSE((*stream)->open());
  std::this_thread::sleep_for(20ms);
  CHECK(disconnects == 1);
}

TEST_CASE("a stream the client never reads is closed, bounded in bytes and time", "[http][sse]") {
  Limits limits;
  limits.max_stream_buffer_bytes = 1u << 20;
  limits.write_timeout = 10s;  // so only the buffer bound can stop it in time
  struct Run {
    std::atomic<bool> done{false}, refused{false}, disconnected{false};
    std::atomic<int> sent{0};
    std::atomic<double> seconds{0};
  };
  Run flood, paced;
  Workers workers;
  // 16 KiB a millisecond: easy for a client that reads, not for one that does not.
  auto produce = [](std::shared_ptr<EventStream> stream, int max_events, Run& run) {
    const std::string event(16u << 10, 'e');
    const auto t0 = Clock::now();
    while (run.sent < max_events && seconds_since(t0) < 8) {
      if (!stream->send(event)) {
        run.refused = true;
        break;
      }
      ++run.sent;
      std::this_thread::sleep_for(1ms);
    }
    if (!run.refused) stream->end();
    run.seconds = seconds_since(t0);
    run.done = true;
  };
  auto server = serve(limits, [&](const Request& req, Reply reply) {
    if (req.path == "/other") return reply.send(text("ok"));
    Run& run = req.path == "/flood" ? flood : paced;
    auto stream = reply.start_events();
    stream->on_disconnect([&run] { run.disconnected = true; });
    workers.spawn([stream, &run, produce, n = req.path == "/flood" ? 1 << 30 : 300] { produce(stream, n, run); });
  });

  Client reader(server->port());  // the control: reads as it goes, gets everything
  REQUIRE(reader.send(get("/paced")));
  Client sink(server->port(), /*rcvbuf=*/4096);  // never reads
  REQUIRE(sink.send(get("/flood")));
  auto r = reader.read_response();
  REQUIRE(r);
  CHECK(r->chunks.size() == 300);
  CHECK_FALSE(paced.refused);
  CHECK_FALSE(paced.disconnected);

  REQUIRE(eventually([&] { return flood.done.load(); }, 9000ms));
  CHECK(flood.refused);          // send() turned false...
  CHECK(flood.seconds < 4.0);    // ...long before the 10 s write timeout
  CHECK(flood.sent < 1024);      // 16 MiB: more than the socket buffers hold plus the 1 MiB
  CHECK(eventually([&] { return flood.disconnected.load(); }));
  Client other(server->port());
  REQUIRE(other.send(get("/other")));
  auto o = other.read_response();
  REQUIRE(o);
  CHECK(o->body == "ok");
}

TEST_CASE("an EventStream dropped before end() closes the connection", "[http][sse]") {
  auto server = serve(Limits{}, [&](const Request&, Reply reply) {
    auto stream = reply.start_events();
    stream->send("only");
  });  // dropped here
  Client c(server->port());
  REQUIRE(c.send(get("/events")));
  REQUIRE(c.read_head());
  auto only = c.read_chunk();
  REQUIRE(only);
  CHECK(*only == "data: only\n\n");
  CHECK(c.wait_eof(3000ms));
  CHECK(c.buffer.empty());  // no last chunk: the stream did not end well
}

// ---- WebSocket ---------------------------------------------------------------------------

TEST_CASE("WebSocket: echo in order, close from the server, on_close once", "[ws]") {
  std::atomic<int> opens{0}, closes{0};
  auto server = serve(Limits{}, echo_path, [&](const Request& req, Response& refuse) -> WebSocketHandlers {
    if (req.path != "/ws") {
      refuse = Response{404, "application/json", "{\"error\":\"no room\"}", {}};
      return {};
    }
    WebSocketHandlers h;
    h.on_open = [&](const std::shared_ptr<WebSocket>&) { ++opens; };
    h.on_message = [](const std::shared_ptr<WebSocket>& ws, std::string message) {
      if (message == "bye")
        ws->close();
      else
        ws->send("echo:" + message);
    };
    h.on_close = [&](const std::shared_ptr<WebSocket>&) { ++closes; };
    return h;
  });
  WsClient ws(server->port());
  REQUIRE_FALSE(ws.handshake("/ws"));
  CHECK(eventually([&] { return opens == 1; }));  // runs once the 101 is written
  const auto message = [](int i) { return std::to_string(i).append(" ü€😀"); };
  for (int i = 0; i < 50; ++i) REQUIRE_FALSE(ws.write(message(i)));
  for (int i = 0; i < 50; ++i) {
    std::string got;
    REQUIRE_FALSE(ws.read(got));
    CHECK(got == "echo:" + message(i));
  }
  REQUIRE_FALSE(ws.write("bye"));
  std::string got;
  const auto ec = ws.read(got);
  CHECK(ec == websocket::error::closed);
  CHECK(ws.reason().code == websocket::close_code::normal);
  CHECK(eventually([&] { return closes == 1; }));
  CHECK(opens == 1);
  CHECK(eventually([&] { return server->open_connections() == 0; }));

  // The refused upgrade gets the handler's own response.
  WsClient refused(server->port());
  websocket::response_type res;
  CHECK(refused.handshake("/nope", res) == websocket::error::upgrade_declined);
  CHECK(res.result_int() == 404);
  CHECK(res.body() == "{\"error\":\"no room\"}");
  CHECK(opens == 1);
}

TEST_CASE("WebSocket: a client that does not read loses the oldest messages, counted", "[ws]") {
  Limits limits;
  limits.ws_max_queue = 4;
  limits.write_timeout = 10s;
  Slot<std::shared_ptr<WebSocket>> held;
  auto server = serve(limits, echo_path, [&](const Request&, Response&) {
    WebSocketHandlers h;
    h.on_open = [&](const std::shared_ptr<WebSocket>& ws) { held.put(ws); };
    return h;
  });
  WsClient client(server->port(), /*rcvbuf=*/4096);
  REQUIRE_FALSE(client.handshake("/live"));
  auto ws = held.wait();
  REQUIRE(ws);
  const int n = 600;  // 600 x 16 KiB: far more than the socket buffers hold
  const std::string pad(16u << 10, 'p');
  for (int i = 0; i < n; ++i) REQUIRE((*ws)->send(std::to_string(i) + ":" + pad));
  const auto dropped = (*ws)->dropped();
  CHECK(dropped > 0);
  REQUIRE(dropped < static_cast<std::uint64_t>(n));
  // Everything not dropped arrives, in order, ending with the newest.
  int last = -1;
  const auto expected = static_cast<std::uint64_t>(n) - dropped;
  for (std::uint64_t k = 0; k < expected; ++k) {
    std::string got;
    REQUIRE_FALSE(client.read(got));
    const int index = std::stoi(got.substr(0, got.find(':')));
    REQUIRE(index > last);
    last = index;
  }
  CHECK(last == n - 1);
}

TEST_CASE("WebSocket: a message over ws_max_message_bytes closes the socket with 1009", "[ws]") {
  Limits limits;
  limits.ws_max_message_bytes = 1024;
  std::atomic<int> messages{0}, closes{0};
  auto server = serve(limits, echo_path, [&](const Request&, Response&) {
    WebSocketHandlers h;
    h.on_message = [&](const std::shared_ptr<WebSocket>& ws, std::string m) {
      ++messages;
      ws->send(m);
    };
    h.on_close = [&](const std::shared_ptr<WebSocket>& ws) {
      ++closes;
      if (ws->send("too late")) ++closes;  // must not be accepted
    };
    return h;
  });
  WsClient client(server->port());
  REQUIRE_FALSE(client.handshake("/ws"));
  REQUIRE_FALSE(client.write(std::string(1000, 'k')));
  std::string got;
  REQUIRE_FALSE(client.read(got));
  CHECK(got.size() == 1000);
  client.write(std::string(2000, 'k'));
  // The close frame says why. (The read itself may end in a reset rather
  // than error::closed: Beast 1.74's teardown closes the socket after its
  // first drain read, before the client's close reply has arrived.)
  CHECK(client.read(got));
  CHECK(client.reason().code == websocket::close_code::too_big);
  CHECK(eventually([&] { return closes.load() >= 1; }));
  std::this_thread::sleep_for(20ms);
  CHECK(closes == 1);
  CHECK(messages == 1);
}

// ---- shutdown -----------------------------------------------------------------------------

TEST_CASE("stop() with connections in every state returns promptly; handles outlive the server", "[http][stop]") {
  Slot<Reply> pending;
  Slot<std::shared_ptr<EventStream>> streaming;
  std::atomic<bool> stream_gone{false};
  std::atomic<int> ws_closes{0};
  auto server = serve(
      Limits{},
      [&](const Request& req, Reply reply) {
        if (req.path == "/idle") return reply.send(text("idle"));
        if (req.path == "/pending") return pending.put(reply);
        auto stream = reply.start_events();
        stream->on_disconnect([&] { stream_gone = true; });
        stream->send("tick");
        streaming.put(stream);
      },
      [&](const Request&, Response&) {
        WebSocketHandlers h;
        h.on_close = [&](const std::shared_ptr<WebSocket>&) { ++ws_closes; };
        return h;
      });
  Client idle(server->port());
  REQUIRE(idle.send(get("/idle")));
  REQUIRE(idle.read_response());
  Client waiting(server->port());
  REQUIRE(waiting.send(get("/pending")));
  Client events(server->port());
  REQUIRE(events.send(get("/events")));
  REQUIRE(events.read_head());
  WsClient ws(server->port());
  REQUIRE_FALSE(ws.handshake("/ws"));
  auto reply = pending.wait();
  auto stream = streaming.wait();
  REQUIRE(reply);
  REQUIRE(stream);
  REQUIRE(eventually([&] { return server->open_connections() == 4; }));

  const auto t0 = Clock::now();
  server->stop();
  CHECK(seconds_since(t0) < 1.5);
  server->stop();  // idempotent
  CHECK(server->open_connections() == 0);
  CHECK(stream_gone);
  CHECK(ws_closes == 1);
  CHECK_FALSE(reply->connected());
  CHECK_FALSE((*stream)->send("after stop"));
  for (Client* c : {&idle, &waiting, &events}) CHECK(c->wait_eof(2000ms));
  std::string got;
  CHECK(ws.read(got, 2000ms));  // an error: the socket is gone

  server.reset();  // the handles now outlive the server
  CHECK_FALSE((*stream)->send("too late"));
  (*stream)->end();
  // The last copies of the unanswered Reply go: its 500 has nowhere to go
  // and must go nowhere (ASan would see a post into the dead io_context).
  reply.reset();
  pending.put(Reply(nullptr));
  stream.reset();
  streaming.put(nullptr);
}

int main(int argc, char* argv[]) {
  std::signal(SIGPIPE, SIG_IGN);
  // A hung socket must fail the run, not stall CI.
  std::thread([] {
    std::this_thread::sleep_for(std::chrono::seconds(120));
    std::fputs("test_http_server: still running after 120 s; giving up\n", stderr);
    std::_Exit(1);
  }).detach();
  return Catch::Session().run(argc, argv);
}

TEST_CASE("openai_error_json: escapes, replaces bytes that are not UTF-8, names the param") {
  using lf::http::openai_error_json;
  CHECK(openai_error_json("a \"b\"\n", "invalid_request_error") ==
        "{\"error\":{\"message\":\"a \\\"b\\\"\\n\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}");
  CHECK(openai_error_json("x", "t", "stop") == "{\"error\":{\"message\":\"x\",\"type\":\"t\",\"param\":\"stop\",\"code\":null}}");
  // A hostile path quoted in a message: a lone 0xFF, a cut sequence, a surrogate, an overlong '/'.
  const std::string body = openai_error_json("no route \xFF /\xE4\xB8 \xED\xA0\x80 \xC0\xAF 主播", "t");
  CHECK(body.find('\xFF') == std::string::npos);
  CHECK(body.find("\xED\xA0\x80") == std::string::npos);
  CHECK(body.find("\xC0\xAF") == std::string::npos);
  CHECK(body.find("主播") != std::string::npos);  // valid UTF-8 kept
  std::size_t replacements = 0;
  for (std::size_t at = 0; (at = body.find("\xEF\xBF\xBD", at)) != std::string::npos; at += 3) ++replacements;
  CHECK(replacements >= 4);
}
