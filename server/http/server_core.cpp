#include "server_core.hpp"

namespace lf::http::detail {

std::uint64_t Core::add(std::weak_ptr<Session> s) {
  std::lock_guard lock(mutex_);
  const auto key = ++next_key_;
  sessions_.emplace(key, std::move(s));
  return key;
}

void Core::remove(std::uint64_t key) {
  std::lock_guard lock(mutex_);
  sessions_.erase(key);
  if (sessions_.empty()) emptied_.notify_all();
}

std::size_t Core::count() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

std::vector<std::shared_ptr<Session>> Core::snapshot() const {
  std::vector<std::shared_ptr<Session>> out;
  std::lock_guard lock(mutex_);
  out.reserve(sessions_.size());
  for (const auto& [key, weak] : sessions_)
    if (auto s = weak.lock()) out.push_back(std::move(s));
  return out;
}

bool Core::wait_empty(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return emptied_.wait_until(lock, deadline, [&] { return sessions_.empty(); });
}

void Core::log(const AccessRecord& r) const noexcept {
  if (!access_log_) return;
  try {
    access_log_(r);
  } catch (...) {
    // A failing logger must not take a connection (or an I/O thread) down.
  }
}

}  // namespace lf::http::detail
