#include "websocket_session.hpp"

#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>

namespace lf::http::detail {
namespace net = boost::asio;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;
using boost::system::error_code;

// ---- the queue ----------------------------------------------------------------

WsQueue::Push WsQueue::push(std::string text) {
  std::lock_guard lock(mutex_);
  if (!open_) return Push::closed;
  if (queue_.size() >= max_) {
    queue_.pop_front();
    ++dropped_;
  }
  queue_.push_back(std::move(text));
  if (wake_) return Push::queued;
  wake_ = true;
  return Push::queued_wake;
}

bool WsQueue::close() {
  std::lock_guard lock(mutex_);
  return std::exchange(open_, false);
}

bool WsQueue::is_open() const {
  std::lock_guard lock(mutex_);
  return open_;
}

std::uint64_t WsQueue::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

std::optional<std::string> WsQueue::pop() {
  std::lock_guard lock(mutex_);
  if (queue_.empty()) {
    wake_ = false;
    return std::nullopt;
  }
  std::string out = std::move(queue_.front());
  queue_.pop_front();
  return out;
}

void WsQueue::shut() {
  std::lock_guard lock(mutex_);
  open_ = false;
  queue_.clear();
}

// ---- the handle -------------------------------------------------------------------

bool WebSocketImpl::send(std::string text) {
  switch (queue_->push(std::move(text))) {
    case WsQueue::Push::queued:
      return true;
    case WsQueue::Push::queued_wake:
      if (post_to(*gate_, session_, [](WsSession& s) { s.pump(); })) return true;
      queue_->shut();  // the session is gone without having said so (server torn down)
      return false;
    case WsQueue::Push::closed:
      break;
  }
  return false;
}

void WebSocketImpl::close() {
  if (queue_->close()) post_to(*gate_, session_, [](WsSession& s) { s.close_requested(); });
}

bool WebSocketImpl::open() const { return queue_->is_open(); }

std::uint64_t WebSocketImpl::dropped() const { return queue_->dropped(); }

// ---- the session ------------------------------------------------------------------

namespace {
// Beast wants steady_clock durations; a huge limit means "none" (and would
// overflow the conversion).
websocket::stream_base::duration beast_duration(std::chrono::milliseconds ms) {
  if (ms > std::chrono::hours(24 * 365 * 10)) return websocket::stream_base::none();
  return std::chrono::duration_cast<websocket::stream_base::duration>(ms);
}
}  // namespace

WsSession::WsSession(Core& core, tcp::socket socket, AccessRecord record, std::chrono::steady_clock::time_point started)
    : core_(core),
      strand_(socket.get_executor()),
      ws_(std::move(socket)),
      write_deadline_(strand_),
      queue_(std::make_shared<WsQueue>(core.limits.ws_max_queue)),
      record_(std::move(record)),
      started_(started) {}

// Called on the strand by the HTTP session that read the upgrade request.
void WsSession::start(boost::beast::http::request<boost::beast::http::string_body> upgrade,
                      WebSocketHandlers handlers) {
  registration_.join(core_, weak_from_this());
  handlers_ = std::move(handlers);
  upgrade_ = std::move(upgrade);
  if (core_.stopping) return finish();
  websocket::stream_base::timeout timeout{};
  timeout.handshake_timeout = beast_duration(core_.limits.read_timeout);  // also bounds the closing handshake
  // An idle peer gets a ping; one that answers nothing is closed.
  timeout.idle_timeout = beast_duration(core_.limits.idle_timeout);
  timeout.keep_alive_pings = true;
  ws_.set_option(timeout);
  ws_.read_message_max(core_.limits.ws_max_message_bytes);  // larger: beast closes with 1009
  ws_.text(true);
  ws_.async_accept(upgrade_, [self = shared_from_this()](const error_code& ec) { self->on_accept(ec); });
}

void WsSession::post_stop() {
  net::post(strand_, [self = shared_from_this()] { self->finish(); });
}

void WsSession::on_accept(const error_code& ec) {
  upgrade_ = {};
  if (finished_) return;
  if (ec) {
    record_.status = 400;  // beast answered the bad handshake
    return finish();
  }
  accepted_ = true;
  handle_ = std::make_shared<WebSocketImpl>(core_.gate, weak_from_this(), queue_);
  if (handlers_.on_open) {
    try {
      handlers_.on_open(handle_);
    } catch (...) {
      fail(websocket::close_code::internal_error);
    }
  }
  read();
  pump();
}

void WsSession::read() {
  ws_.async_read(in_, [self = shared_from_this()](const error_code& ec, std::size_t n) { self->on_read(ec, n); });
}

void WsSession::on_read(const error_code& ec, std::size_t n) {
  if (finished_) return;
  // The peer's close (websocket::error::closed), a message over
  // read_message_max (beast has sent 1009), a timeout, a reset.
  if (ec) return finish();
  if (failed_) {  // closing on an error: read on only to see the close
    in_.consume(in_.size());
    return read();
  }
  if (!ws_.got_text()) {  // only text is spoken here (RFC 6455: 1003)
    in_.consume(in_.size());
    fail(websocket::close_code::unknown_data);
    return read();
  }
  std::string message = boost::beast::buffers_to_string(in_.data());
  in_.consume(in_.size());
  record_.bytes_in += n;
  if (handlers_.on_message) {
    try {
      handlers_.on_message(handle_, std::move(message));
    } catch (...) {
      fail(websocket::close_code::internal_error);
    }
  }
  read();  // the next message only after this one was handled: in order
}

void WsSession::pump() {
  if (finished_ || writing_ || !accepted_ || close_sent_) return;
  auto message = queue_->pop();
  if (!message) {
    if (closing_) {
      close_sent_ = true;
      ws_.async_close(close_code_, [self = shared_from_this()](const error_code&) { self->finish(); });
    }
    return;
  }
  writing_message_ = std::move(*message);
  writing_ = true;
  write_deadline_.arm(core_.limits.write_timeout, [self = shared_from_this()] { self->finish(); });
  ws_.async_write(net::buffer(writing_message_),
                  [self = shared_from_this()](const error_code& ec, std::size_t) { self->on_write(ec); });
}

void WsSession::on_write(const error_code& ec) {
  writing_ = false;
  write_deadline_.cancel();
  if (finished_) return;
  if (ec) return finish();
  record_.bytes_out += writing_message_.size();
  writing_message_.clear();
  pump();
}

void WsSession::close_requested() {
  if (finished_ || closing_) return;
  closing_ = true;  // after the queue drains (WsQueue refuses new sends already)
  pump();
}

void WsSession::fail(websocket::close_code code) {
  if (finished_ || failed_) return;
  failed_ = true;
  queue_->shut();
  close_code_ = code;
  closing_ = true;
  pump();
}

void WsSession::finish() {
  if (finished_) return;
  finished_ = true;
  write_deadline_.cancel();
  queue_->shut();
  error_code ignored;
  auto& socket = boost::beast::get_lowest_layer(ws_);
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);  // outstanding operations end with errors and release the session
  record_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  core_.log(record_);
  // Released after on_close: the handlers may hold what holds the handle.
  auto handlers = std::move(handlers_);
  handlers_ = {};
  if (accepted_ && handlers.on_close) {
    try {
      handlers.on_close(handle_);
    } catch (...) {
      // I/O threads must not throw.
    }
  }
}

}  // namespace lf::http::detail
