#include "event_stream.hpp"

#include "http_session.hpp"
#include "wire.hpp"

namespace lf::http::detail {

StreamShared::Push StreamShared::push(std::string_view data) {
  // Framed outside the lock: the producer's thread pays for it.
  std::string framed = chunked_ ? chunk(sse_event(data)) : sse_event(data);
  std::lock_guard lock(mutex_);
  if (state_ != State::open) return Push::closed;
  if (unsent_ + framed.size() > limit_) {
    state_ = State::aborting;
    return Push::overflow;
  }
  unsent_ += framed.size();
  pending_.push_back(std::move(framed));
  if (wake_) return Push::queued;
  wake_ = true;
  return Push::queued_wake;
}

bool StreamShared::begin_end() {
  std::lock_guard lock(mutex_);
  if (state_ != State::open) return false;
  state_ = State::ending;
  return true;
}

bool StreamShared::abandon() {
  std::lock_guard lock(mutex_);
  if (state_ != State::open) return false;
  state_ = State::aborting;
  return true;
}

bool StreamShared::is_open() const {
  std::lock_guard lock(mutex_);
  return state_ == State::open;
}

void StreamShared::set_on_disconnect(std::function<void()> fn) {
  {
    std::lock_guard lock(mutex_);
    if (fired_ || !fn) return;
    if (!died_early_) {
      on_disconnect_ = std::move(fn);
      return;
    }
    fired_ = true;
  }
  fn();  // already gone: at once, on the caller's thread
}

std::vector<std::string> StreamShared::take() {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out(std::make_move_iterator(pending_.begin()), std::make_move_iterator(pending_.end()));
  pending_.clear();
  wake_ = false;
  return out;
}

void StreamShared::written(std::size_t bytes) {
  std::lock_guard lock(mutex_);
  unsent_ -= std::min(bytes, unsent_);
}

std::function<void()> StreamShared::mark_dead() {
  std::lock_guard lock(mutex_);
  if (state_ == State::open || state_ == State::aborting) died_early_ = true;
  state_ = State::dead;
  pending_.clear();
  if (!died_early_ || fired_ || !on_disconnect_) return {};
  fired_ = true;
  return std::move(on_disconnect_);
}

void StreamShared::kill() {
  // Run outside the lock: the callback may well call send() or open().
  if (auto fn = mark_dead()) {
    try {
      fn();
    } catch (...) {
      // Runs on an I/O thread, which must not throw.
    }
  }
}

void StreamShared::kill_quietly() { (void)mark_dead(); }

EventStreamImpl::~EventStreamImpl() {
  if (shared_->abandon()) post_abort(/*flush_first=*/true);
}

bool EventStreamImpl::send(const std::string& data) {
  switch (shared_->push(data)) {
    case StreamShared::Push::queued:
      return true;
    case StreamShared::Push::queued_wake:
      if (post_to(*gate_, session_, [s = shared_](HttpSession& session) { session.stream_flush(s); })) return true;
      // The connection is gone without having said so (the server is
      // being torn down).
      shared_->kill_quietly();
      return false;
    case StreamShared::Push::overflow:
      post_abort(/*flush_first=*/false);
      return false;
    case StreamShared::Push::closed:
      break;
  }
  return false;
}

void EventStreamImpl::end() {
  if (!shared_->begin_end()) return;
  if (!post_to(*gate_, session_, [s = shared_](HttpSession& session) { session.stream_end(s); }))
    shared_->kill_quietly();
}

bool EventStreamImpl::open() const { return shared_->is_open(); }

void EventStreamImpl::on_disconnect(std::function<void()> fn) { shared_->set_on_disconnect(std::move(fn)); }

void EventStreamImpl::post_abort(bool flush_first) {
  if (!post_to(*gate_, session_,
               [s = shared_, flush_first](HttpSession& session) { session.stream_abort(s, flush_first); }))
    shared_->kill_quietly();
}

}  // namespace lf::http::detail
