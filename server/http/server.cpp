// lf::http::Server: the listening socket, the I/O threads, admission
// (max_connections) and shutdown.
#include <array>
#include <future>
#include <optional>
#include <stdexcept>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>

#include "deadline.hpp"
#include "http_session.hpp"
#include "server_core.hpp"
#include "wire.hpp"

namespace lf::http {
namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

/// The server whose I/O thread this is (stop() from a handler cannot join).
thread_local const void* t_io_server = nullptr;

/// How long stop() gives connections to close (on_close, on_disconnect)
/// before the io_context is stopped under them.
constexpr std::chrono::seconds kStopGrace{2};
constexpr std::chrono::milliseconds kRejectLinger{1000};

/// A connection over max_connections: 503, a half-close, and a short
/// drain so the client reads the answer rather than a reset. Not counted
/// as a connection.
class Rejection : public std::enable_shared_from_this<Rejection> {
 public:
  Rejection(detail::Core& core, tcp::socket socket)
      : core_(core), strand_(socket.get_executor()), socket_(std::move(socket)), deadline_(strand_) {}

  void start() {
    net::post(strand_, [self = shared_from_this()] { self->run(); });
  }

 private:
  void run() {
    AccessRecord record;
    record.id = ++core_.last_request_id;
    record.remote = detail::endpoint_string(socket_);
    record.status = 503;
    response_ = detail::serialize_response(
        detail::error_response(503, "the server has too many open connections; retry later"), false,
        detail::Connection::close);
    record.bytes_out = response_.size();
    core_.log(record);
    deadline_.arm(kRejectLinger, [self = shared_from_this()] { self->close(); });
    net::async_write(socket_, net::buffer(response_), [self = shared_from_this()](const error_code& e, std::size_t) {
      if (e) return self->close();
      error_code ignored;
      self->socket_.shutdown(tcp::socket::shutdown_send, ignored);
      self->drain();
    });
  }

  void drain() {
    socket_.async_read_some(net::buffer(scratch_), [self = shared_from_this()](const error_code& e, std::size_t) {
      if (e) return self->close();
      self->drain();
    });
  }

  void close() {
    deadline_.cancel();
    error_code ignored;
    socket_.close(ignored);
  }

  detail::Core& core_;
  const net::any_io_executor strand_;
  tcp::socket socket_;
  detail::Deadline deadline_;
  std::string response_;
  std::array<char, 4096> scratch_{};
};

}  // namespace

struct Server::Impl {
  Impl(Limits l, Handler h, UpgradeHandler u, std::function<void(const AccessRecord&)> log)
      : core(l, std::move(h), std::move(u), std::move(log)) {}

  void accept();
  void on_accept(const error_code& ec, tcp::socket socket);
  void close_acceptor();

  // Declared first: sessions hold a reference to it until the io_context
  // (declared after) has destroyed them.
  detail::Core core;
  std::optional<net::io_context> io;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::optional<net::strand<net::io_context::executor_type>> acceptor_strand;
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::steady_timer> retry;  ///< backs off when accept fails (out of descriptors)
  std::vector<std::thread> threads;
  std::atomic<bool> accepting{false};
  std::atomic<std::uint16_t> port{0};
  std::mutex lifecycle;  ///< start() and stop() one at a time
  bool started = false;
  bool stopped = false;
};

void Server::Impl::accept() {
  acceptor->async_accept(net::make_strand(*io), [this](const error_code& ec, tcp::socket socket) {
    on_accept(ec, std::move(socket));
  });
}

void Server::Impl::on_accept(const error_code& ec, tcp::socket socket) {
  if (!accepting) return;  // the socket closes as it goes out of scope
  if (ec) {
    if (ec == net::error::operation_aborted) return;
    // EMFILE and the like: accepting again at once would spin.
    retry->expires_after(std::chrono::milliseconds(50));
    retry->async_wait([this](const error_code& e) {
      if (!e && accepting) accept();
    });
    return;
  }
  try {
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);  // events are small; Nagle would hold them back
    if (core.count() >= core.limits.max_connections)
      std::make_shared<Rejection>(core, std::move(socket))->start();
    else
      std::make_shared<detail::HttpSession>(core, std::move(socket))->start();
  } catch (...) {
    // Out of memory for this one connection; keep accepting.
  }
  accept();
}

void Server::Impl::close_acceptor() {
  error_code ignored;
  if (acceptor) acceptor->close(ignored);
  if (retry) retry->cancel();
}

Server::Server(Limits limits, Handler handler, UpgradeHandler upgrade, std::function<void(const AccessRecord&)> access_log)
    : impl_(std::make_unique<Impl>(limits, std::move(handler), std::move(upgrade), std::move(access_log))) {}

Server::~Server() { stop(); }

void Server::start(const std::string& host, std::uint16_t port, int io_threads) {
  std::lock_guard lock(impl_->lifecycle);
  if (impl_->started) throw std::logic_error("lf::http::Server::start: already started");
  auto& io = impl_->io.emplace();
  try {
    tcp::resolver resolver(io);
    const auto results = resolver.resolve(host.empty() ? "0.0.0.0" : host, std::to_string(port),
                                          tcp::resolver::passive | tcp::resolver::numeric_service);
    if (results.empty()) throw std::runtime_error("no address");
    const tcp::endpoint endpoint = results.begin()->endpoint();
    auto& strand = impl_->acceptor_strand.emplace(net::make_strand(io));
    auto& acceptor = impl_->acceptor.emplace(strand);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(net::socket_base::max_listen_connections);
    impl_->port = acceptor.local_endpoint().port();
    impl_->retry.emplace(strand);
  } catch (const std::exception& e) {
    impl_->retry.reset();
    impl_->acceptor.reset();
    impl_->acceptor_strand.reset();
    impl_->io.reset();
    throw std::runtime_error("lf::http::Server: cannot listen on " + host + ":" + std::to_string(port) + ": " +
                             e.what());
  }
  impl_->started = true;
  impl_->accepting = true;
  impl_->work.emplace(io.get_executor());
  net::post(*impl_->acceptor_strand, [impl = impl_.get()] { impl->accept(); });
  const int n = std::max(1, io_threads);
  for (int i = 0; i < n; ++i) {
    impl_->threads.emplace_back([impl = impl_.get()] {
      t_io_server = impl;
      // A handler that throws past every catch must not take the thread
      // (and the process) down: keep running.
      for (;;) {
        try {
          impl->io->run();
          return;
        } catch (...) {
        }
      }
    });
  }
}

std::uint16_t Server::port() const { return impl_->port; }

void Server::stop_accepting() {
  if (!impl_->accepting.exchange(false)) return;
  // The acceptor belongs to its strand; close it there. Wait for that
  // (so no connection is accepted after this returns) unless this is an
  // I/O thread, which might be the one the strand needs.
  auto done = std::make_shared<std::promise<void>>();
  auto closed = done->get_future();
  net::post(*impl_->acceptor_strand, [impl = impl_.get(), done] {
    impl->close_acceptor();
    done->set_value();
  });
  if (t_io_server != impl_.get()) closed.wait();
}

void Server::stop() {
  std::lock_guard lock(impl_->lifecycle);
  if (!impl_->started || impl_->stopped) return;
  if (t_io_server == impl_.get())
    throw std::logic_error("lf::http::Server::stop: called from one of the server's own I/O threads");
  impl_->stopped = true;
  auto& core = impl_->core;
  core.stopping = true;
  stop_accepting();
  // Closing on their strands runs on_close / on_disconnect on I/O threads,
  // as everywhere else; sessions registering after the snapshot see
  // `stopping` and close themselves.
  for (const auto& session : core.snapshot()) session->post_stop();
  core.wait_empty(std::chrono::steady_clock::now() + kStopGrace);
  impl_->work.reset();
  impl_->io->stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
  {
    std::lock_guard gate(core.gate->mutex);
    core.gate->open = false;
  }
  // Destroys whatever is still queued, and the sessions it owns, while
  // `core` is alive.
  impl_->retry.reset();
  impl_->acceptor.reset();
  impl_->acceptor_strand.reset();
  impl_->io.reset();
}

std::size_t Server::open_connections() const { return impl_->core.count(); }

}  // namespace lf::http
