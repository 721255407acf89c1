#include "http_session.hpp"

#include <algorithm>
#include <limits>
#include <vector>

#include <boost/asio/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "event_stream.hpp"
#include "reply.hpp"
#include "websocket_session.hpp"

namespace lf::http::detail {
namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

// Beast 1.74 speaks boost::string_view.
std::string_view sv(boost::beast::string_view s) { return {s.data(), s.size()}; }

constexpr std::size_t kReadChunk = 16u << 10;
/// After a final response the server half-closes and reads (discarding)
/// for at most this long, so the client reads the response before the
/// close: closing with unread input would send a reset that can destroy
/// the response in flight (a 413 while the client is still sending).
constexpr std::chrono::milliseconds kLinger{1000};
/// Buffers gathered into one write (small events batch up).
constexpr std::size_t kMaxGather = 64;

}  // namespace

std::string endpoint_string(const tcp::socket& s) {
  error_code ec;
  const auto ep = s.remote_endpoint(ec);
  if (ec) return "?";
  const auto addr = ep.address();
  return (addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string()) + ":" + std::to_string(ep.port());
}

namespace {

Request to_request(bhttp::request<bhttp::string_body>& msg, bool keep_body) {
  Request r;
  r.method = std::string(msg.method_string());
  const auto target = msg.target();
  const auto q = target.find('?');
  r.path = std::string(target.substr(0, q));
  if (q != boost::beast::string_view::npos) r.query = std::string(target.substr(q + 1));
  for (const auto& field : msg) {
    // Repeated fields combine into one comma-separated value (RFC 9110 5.3).
    auto [it, fresh] = r.headers.emplace(lower(sv(field.name_string())), std::string(field.value()));
    if (!fresh) {
      it->second += ", ";
      it->second += std::string(field.value());
    }
  }
  r.body = keep_body ? msg.body() : std::move(msg.body());
  return r;
}

}  // namespace

HttpSession::HttpSession(Core& core, tcp::socket socket)
    : core_(core),
      strand_(socket.get_executor()),
      socket_(std::move(socket)),
      remote_(endpoint_string(socket_)),
      read_deadline_(strand_),
      write_deadline_(strand_),
      hold_(strand_),
      connected_(std::make_shared<std::atomic<bool>>(true)) {}

HttpSession::~HttpSession() {
  // Only reached without close() when the io_context is torn down with
  // this session's handlers still queued (stop() past its deadline).
  connected_->store(false);
  if (stream_) stream_->kill_quietly();
}

void HttpSession::start() {
  // Registered here, synchronously, so the acceptor counts it at once.
  registration_.join(core_, weak_from_this());
  net::post(strand_, [self = shared_from_this()] {
    if (self->core_.stopping) return self->close();
    // A new connection has read_timeout (not idle_timeout) for its whole
    // first request: a connection that never speaks is a slowloris too.
    self->read_deadline_.arm(self->core_.limits.read_timeout, [self] { self->on_read_deadline(); });
    self->maybe_read();
  });
}

void HttpSession::post_stop() {
  net::post(strand_, [self = shared_from_this()] { self->close(); });
}

// ---- reading ----------------------------------------------------------------

void HttpSession::maybe_read() {
  if (reading_ || phase_ == Phase::closed || pending_upgrade_) return;
  // Bounded: a request head may not exceed max_header_bytes, and what a
  // client pipelines while its request is handled waits here, up to this.
  const std::size_t cap = std::max<std::size_t>(core_.limits.max_header_bytes, 1024) + kReadChunk;
  if (in_.size() >= cap) return;
  reading_ = true;
  // Into a buffer of its own, not in_.prepare(): in_ is parsed and consumed
  // while this read is outstanding, and flat_buffer moves its write area
  // when consumed empty.
  read_buf_.resize(std::min(kReadChunk, cap - in_.size()));
  socket_.async_read_some(net::buffer(read_buf_),
                          [self = shared_from_this()](const error_code& ec, std::size_t n) { self->on_read(ec, n); });
}

void HttpSession::on_read(const error_code& ec, std::size_t n) {
  reading_ = false;
  if (phase_ == Phase::closed) return;
  in_.commit(net::buffer_copy(in_.prepare(n), net::buffer(read_buf_.data(), n)));
  if (pending_upgrade_) return finish_upgrade();
  // EOF or an error in any phase: the client is gone (a client that
  // half-closes after its request counts as gone too), so a pending
  // handler sees connected() false and a stream its on_disconnect.
  if (ec) return close();
  if (phase_ == Phase::lingering) {
    in_.consume(in_.size());
    return maybe_read();
  }
  process_input();
  maybe_read();
}

void HttpSession::on_read_deadline() {
  switch (phase_) {
    case Phase::idle:  // an idle keep-alive connection, or one that never spoke
    case Phase::lingering:
      close();
      break;
    case Phase::reading:  // slowloris: the request did not arrive in time
      fail(408, "the request was not received within the read timeout");
      break;
    default:
      break;
  }
}

void HttpSession::begin_request() {
  phase_ = Phase::reading;
  parser_.emplace();
  parser_->eager(true);  // parse the body in the same put() as the head
  parser_->header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(core_.limits.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
  parser_->body_limit(static_cast<std::uint64_t>(core_.limits.max_body_bytes));
  continue_checked_ = false;
  record_ = AccessRecord{};
  record_.remote = remote_;
  record_open_ = true;
  record_start_ = std::chrono::steady_clock::now();
  record_out_mark_ = bytes_out_total_;
  // The first request's deadline runs from the accept (see start()).
  if (!first_request_)
    read_deadline_.arm(core_.limits.read_timeout, [self = shared_from_this()] { self->on_read_deadline(); });
}

void HttpSession::process_input() {
  if (phase_ == Phase::idle) {
    if (in_.size() == 0) return;
    begin_request();
  }
  if (phase_ != Phase::reading) return;
  while (!parser_->is_done()) {
    if (in_.size() == 0) return;
    error_code ec;
    const std::size_t used = parser_->put(in_.data(), ec);
    in_.consume(used);
    record_.bytes_in += used;
    if (ec == bhttp::error::need_more) return;
    if (ec == bhttp::error::body_limit)
      return fail(413, "the request body is larger than " + std::to_string(core_.limits.max_body_bytes) + " bytes");
    if (ec == bhttp::error::header_limit)
      return fail(431, "the request head is larger than " + std::to_string(core_.limits.max_header_bytes) + " bytes");
    if (ec) return fail(400, "malformed HTTP request: " + ec.message());
    if (!continue_checked_ && parser_->is_header_done()) {
      continue_checked_ = true;
      maybe_continue();
    }
    if (used == 0 && !parser_->is_done()) return;
  }
  dispatch();
}

// A client that sent "Expect: 100-continue" waits (curl: a second) for
// this before it sends the body. Over-limit bodies never get here: the
// parser has failed on Content-Length already, and the client gets 413.
void HttpSession::maybe_continue() {
  const auto& msg = parser_->get();
  if (msg.version() >= 11 && !parser_->is_done() && iequals(sv(msg[bhttp::field::expect]), "100-continue")) {
    queue(std::string(kContinue));
    do_write();
  }
}

// ---- a request arrived ---------------------------------------------------------

void HttpSession::dispatch() {
  read_deadline_.cancel();
  first_request_ = false;
  auto msg = parser_->release();
  parser_.reset();
  const bool is_upgrade = boost::beast::websocket::is_upgrade(msg);
  Request req = to_request(msg, /*keep_body=*/is_upgrade);
  req.id = ++core_.last_request_id;
  req.remote = remote_;
  record_.id = req.id;
  record_.method = req.method;
  record_.path = req.path;
  keep_alive_ = msg.keep_alive();
  http11_ = msg.version() >= 11;
  head_request_ = msg.method() == bhttp::verb::head;
  if (is_upgrade) return upgrade(std::move(msg), req);

  phase_ = Phase::handling;
  ++seq_;
  // No read may be outstanding (its buffer full) and no write yet: the
  // hold keeps this session alive until the answer comes.
  hold_.hold([self = shared_from_this()] {});
  auto state = std::make_shared<Reply::State>(core_.gate, weak_from_this(), connected_, seq_,
                                              core_.limits.max_stream_buffer_bytes, http11_);
  try {
    core_.handler(req, Reply(state));
  } catch (const std::exception& e) {
    if (state->claim()) deliver(seq_, error_response(500, std::string("internal error: ") + e.what()));
  } catch (...) {
    if (state->claim()) deliver(seq_, error_response(500, "internal error"));
  }
  // If the handler kept no Reply and did not answer, dropping `state`
  // here posts the 500.
}

void HttpSession::upgrade(bhttp::request<bhttp::string_body> msg, const Request& req) {
  Response refuse;
  WebSocketHandlers handlers;
  bool accept = false;
  if (core_.upgrade) {
    try {
      handlers = core_.upgrade(req, refuse);
      accept = handlers.on_message || handlers.on_close || handlers.on_open;
    } catch (const std::exception& e) {
      refuse = error_response(500, std::string("internal error: ") + e.what());
    } catch (...) {
      refuse = error_response(500, "internal error");
    }
  }
  if (!accept) {
    if (refuse.status < 300) refuse = error_response(404, "no WebSocket endpoint at " + req.path);
    // The client expected to switch protocols; nothing sane follows.
    phase_ = Phase::handling;
    ++seq_;
    keep_alive_ = false;
    return deliver(seq_, std::move(refuse));
  }
  record_.status = 101;
  pending_upgrade_ = PendingUpgrade{std::move(msg), std::move(handlers)};
  if (reading_) {
    // A pipelined upgrade: the read must finish before the socket moves.
    error_code ignored;
    socket_.cancel(ignored);
    return;
  }
  finish_upgrade();
}

void HttpSession::finish_upgrade() {
  auto pending = std::move(*pending_upgrade_);
  pending_upgrade_.reset();
  if (writing_ || phase_ == Phase::closed) return close();  // a 100-continue still going out: give up
  phase_ = Phase::closed;  // the socket is no longer ours; close() must not touch it
  read_deadline_.cancel();
  write_deadline_.cancel();
  hold_.cancel();
  record_open_ = false;  // the WebSocket session logs the request when it ends
  record_.bytes_out = 0;
  auto ws = std::make_shared<WsSession>(core_, std::move(socket_), record_, record_start_);
  ws->start(std::move(pending.msg), std::move(pending.handlers));
}

// ---- answering ------------------------------------------------------------------

Connection HttpSession::connection_header(bool close_after) const {
  if (close_after) return Connection::close;
  return http11_ ? Connection::implicit : Connection::keep_alive;
}

void HttpSession::deliver(std::uint64_t seq, Response response) {
  if (phase_ != Phase::handling || seq != seq_) return;
  if (response.status < 200 || response.status > 999)
    response = error_response(500, "the handler answered with an invalid status");
  const bool close_after = !keep_alive_ || core_.stopping || asks_to_close(response.headers);
  respond(std::move(response), close_after);
}

void HttpSession::respond(Response response, bool close_after) {
  record_.status = response.status;
  queue(serialize_response(response, head_request_, connection_header(close_after)));
  phase_ = Phase::responding;
  after_ = close_after ? After::close : After::next_request;
  do_write();
}

// An error before the request was handed over (400, 408, 413, 431): answer
// and close, since the rest of the input cannot be trusted to frame.
void HttpSession::fail(int status, const std::string& message) {
  read_deadline_.cancel();
  first_request_ = false;
  if (!record_open_) {
    record_ = AccessRecord{};
    record_.remote = remote_;
    record_open_ = true;
    record_start_ = std::chrono::steady_clock::now();
    record_out_mark_ = bytes_out_total_;
  }
  record_.id = ++core_.last_request_id;
  if (parser_ && parser_->is_header_done()) {
    const auto& msg = parser_->get();
    record_.method = std::string(msg.method_string());
    const auto target = msg.target();
    record_.path = std::string(target.substr(0, target.find('?')));
  }
  parser_.reset();
  record_.status = status;
  queue(serialize_response(error_response(status, message), false, Connection::close));
  phase_ = Phase::lingering;  // discard whatever else arrives
  after_ = After::close;
  do_write();
}

void HttpSession::begin_stream(std::uint64_t seq, HeaderList headers, std::shared_ptr<StreamShared> stream) {
  if (phase_ != Phase::handling || seq != seq_) return stream->kill();
  phase_ = Phase::streaming;
  stream_ = std::move(stream);
  record_.status = 200;
  // Without chunking (HTTP/1.0) only the connection's end ends the stream.
  if (!stream_->chunked()) keep_alive_ = false;
  queue(serialize_stream_head(headers, stream_->chunked(), connection_header(!keep_alive_ || core_.stopping)));
  do_write();
}

void HttpSession::stream_flush(const std::shared_ptr<StreamShared>& stream) {
  if (phase_ != Phase::streaming || stream != stream_) return;
  for (auto& event : stream->take()) queue(std::move(event), /*stream=*/true);
  do_write();
}

void HttpSession::stream_end(const std::shared_ptr<StreamShared>& stream) {
  if (phase_ != Phase::streaming || stream != stream_) return;
  for (auto& event : stream->take()) queue(std::move(event), /*stream=*/true);
  if (stream->chunked()) queue(std::string(kLastChunk));
  phase_ = Phase::responding;
  after_ = (keep_alive_ && !core_.stopping) ? After::next_request : After::close;
  if (out_.empty())
    on_drained();
  else
    do_write();
}

void HttpSession::stream_abort(const std::shared_ptr<StreamShared>& stream, bool flush_first) {
  if (stream != stream_) return;
  if (!flush_first || phase_ != Phase::streaming) return close();
  for (auto& event : stream->take()) queue(std::move(event), /*stream=*/true);
  phase_ = Phase::responding;
  after_ = After::abort;
  if (out_.empty())
    close();
  else
    do_write();
}

// ---- writing --------------------------------------------------------------------

void HttpSession::queue(std::string bytes, bool stream) { out_.push_back(Out{std::move(bytes), stream}); }

void HttpSession::do_write() {
  if (writing_ || out_.empty() || phase_ == Phase::closed) return;
  // Entries stay in out_ until written: deque::push_back keeps references
  // to them valid, so the buffers below stay good while more is queued.
  std::vector<net::const_buffer> buffers;
  in_flight_ = std::min(out_.size(), kMaxGather);
  buffers.reserve(in_flight_);
  for (std::size_t i = 0; i < in_flight_; ++i) buffers.push_back(net::buffer(out_[i].bytes));
  writing_ = true;
  // A client that does not read (its window stays shut) is cut off.
  write_deadline_.arm(core_.limits.write_timeout, [self = shared_from_this()] { self->close(); });
  net::async_write(socket_, buffers, [self = shared_from_this()](const error_code& ec, std::size_t n) {
    self->on_write(ec, n);
  });
}

void HttpSession::on_write(const error_code& ec, std::size_t n) {
  writing_ = false;
  write_deadline_.cancel();
  if (phase_ == Phase::closed) return;
  if (ec) return close();
  bytes_out_total_ += n;
  std::size_t stream_bytes = 0;
  for (std::size_t i = 0; i < in_flight_; ++i) {
    if (out_.front().stream) stream_bytes += out_.front().bytes.size();
    out_.pop_front();
  }
  in_flight_ = 0;
  if (stream_bytes && stream_) stream_->written(stream_bytes);
  if (!out_.empty()) return do_write();
  on_drained();
}

void HttpSession::on_drained() {
  switch (std::exchange(after_, After::nothing)) {
    case After::nothing:  // a 100 Continue, or stream events: more to come
      return;
    case After::next_request:
      finish_request();
      phase_ = Phase::idle;
      read_deadline_.arm(core_.limits.idle_timeout, [self = shared_from_this()] { self->on_read_deadline(); });
      process_input();  // a pipelined request may be buffered already
      maybe_read();
      return;
    case After::close:
      finish_request();
      start_linger();
      return;
    case After::abort:
      close();
      return;
  }
}

void HttpSession::finish_request() {
  hold_.cancel();
  stream_.reset();
  if (!record_open_) return;
  record_open_ = false;
  record_.bytes_out = bytes_out_total_ - record_out_mark_;
  record_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - record_start_).count();
  core_.log(record_);
}

void HttpSession::start_linger() {
  phase_ = Phase::lingering;
  error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);  // the client sees the end of the response
  in_.consume(in_.size());
  read_deadline_.arm(kLinger, [self = shared_from_this()] { self->on_read_deadline(); });
  maybe_read();  // EOF from the client ends the linger early
}

void HttpSession::close() {
  if (phase_ == Phase::closed) return;
  const bool answered = phase_ == Phase::responding || phase_ == Phase::streaming || phase_ == Phase::lingering;
  phase_ = Phase::closed;
  connected_->store(false);
  read_deadline_.cancel();
  write_deadline_.cancel();
  hold_.cancel();
  auto stream = std::move(stream_);
  if (record_open_) {
    if (!answered || record_.status == 0) record_.status = 499;  // nginx's "client closed request"
    finish_request();
  }
  if (stream) stream->kill();  // on_disconnect, on this I/O thread
  error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);  // outstanding operations complete with errors and release the session
}

}  // namespace lf::http::detail
