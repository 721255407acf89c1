// What every connection shares with its server: the limits and callbacks,
// the registry stop() closes connections through, and the gate that keeps
// handles held by other threads from posting into a dead io_context.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>

#include "http_server.hpp"

namespace lf::http::detail {

/// Reply, EventStream and WebSocket handles live on threads the server does
/// not know and may outlive it. They post onto a connection's strand only
/// under this lock and while it is open; stop() closes it before the
/// io_context is destroyed, so no post can race that destruction.
struct Gate {
  std::mutex mutex;
  bool open = true;
};

/// Runs fn(session) on the session's strand unless the server has stopped
/// or the session is gone. False when it will not run.
template <class S, class Fn>
bool post_to(Gate& gate, const std::weak_ptr<S>& weak, Fn&& fn) {
  std::lock_guard lock(gate.mutex);
  if (!gate.open) return false;
  auto session = weak.lock();
  if (!session) return false;
  auto executor = session->strand();
  // The session moves into the posted function, so it is never destroyed
  // here under the gate's lock.
  boost::asio::post(executor, [s = std::move(session), f = std::forward<Fn>(fn)]() mutable { f(*s); });
  return true;
}

/// A connection stop() can close.
class Session {
 public:
  virtual ~Session() = default;
  /// Closes the connection from its strand (posts; returns at once).
  virtual void post_stop() = 0;
};

/// Lives in Server::Impl, so it outlives every session: sessions are owned
/// by the handlers queued in the io_context, destroyed with it at the latest.
class Core {
 public:
  Core(Limits l, Server::Handler h, Server::UpgradeHandler u, std::function<void(const AccessRecord&)> log)
      : limits(l), handler(std::move(h)), upgrade(std::move(u)), access_log_(std::move(log)) {}

  const Limits limits;
  const Server::Handler handler;
  const Server::UpgradeHandler upgrade;
  const std::shared_ptr<Gate> gate = std::make_shared<Gate>();
  std::atomic<std::uint64_t> last_request_id{0};
  /// Set by stop(): sessions created from then on close at once, and
  /// responses stop offering keep-alive.
  std::atomic<bool> stopping{false};

  std::uint64_t add(std::weak_ptr<Session> s);
  void remove(std::uint64_t key);
  std::size_t count() const;
  std::vector<std::shared_ptr<Session>> snapshot() const;
  /// Waits until no session is registered; false at the deadline.
  bool wait_empty(std::chrono::steady_clock::time_point deadline);
  /// The access-log callback; its exceptions are swallowed (I/O threads
  /// must not throw).
  void log(const AccessRecord& r) const noexcept;

 private:
  const std::function<void(const AccessRecord&)> access_log_;
  mutable std::mutex mutex_;
  std::condition_variable emptied_;
  std::unordered_map<std::uint64_t, std::weak_ptr<Session>> sessions_;
  std::uint64_t next_key_ = 0;
};

/// A session's entry in Core's registry, for as long as the session lives.
class Registration {
 public:
  Registration() = default;
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;
  ~Registration() {
    if (core_) core_->remove(key_);
  }
  void join(Core& core, std::weak_ptr<Session> s) {
    core_ = &core;
    key_ = core.add(std::move(s));
  }

 private:
  Core* core_ = nullptr;
  std::uint64_t key_ = 0;
};

}  // namespace lf::http::detail
