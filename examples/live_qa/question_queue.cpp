#include "live_qa/question_queue.hpp"

#include "common/utf8.hpp"

namespace live_qa {

namespace {

// The most bytes of one question kept, and the most questions waiting: a
// line without end (/dev/zero) or a huge file cannot grow memory without bound.
constexpr std::size_t kMaxLineBytes = 4096;
constexpr std::size_t kMaxWaiting = 4096;

// getline that keeps at most kMaxLineBytes of a line and skips the rest.
bool read_line(std::istream& in, std::string& line) {
  line.clear();
  std::streambuf* buf = in.rdbuf();
  bool any = false;
  for (int c = buf->sbumpc(); c != std::char_traits<char>::eof(); c = buf->sbumpc()) {
    any = true;
    if (c == '\n') return true;
    if (line.size() < kMaxLineBytes) line.push_back(static_cast<char>(c));
  }
  return any;
}

}  // namespace

QuestionQueue::QuestionQueue(std::unique_ptr<std::istream> in) : state_(std::make_shared<State>()) {
  state_->in = std::move(in);
  reader_ = std::thread(read_loop, state_);
}

QuestionQueue::~QuestionQueue() {
  // The reader blocks in getline until its input ends; a feed that is
  // still open must not block the exit, and the reader owns a share of
  // the state, so it can be left to finish on its own.
  bool ended;
  {
    std::lock_guard lock(state_->mutex);
    ended = state_->ended;
  }
  if (ended)
    reader_.join();
  else
    reader_.detach();
}

void QuestionQueue::read_loop(std::shared_ptr<State> state) {
  std::string line;
  std::vector<std::string> arrived;
  while (read_line(*state->in, line)) {
    std::string q = app::utf8::trim(line);
    if (!q.empty()) arrived.push_back(std::move(q));
    // Lines that are already buffered arrived together: queue them together,
    // so they can be answered as one batch (a whole --questions file does).
    if (arrived.empty() || (state->in->rdbuf()->in_avail() > 0 && arrived.size() < kMaxWaiting)) continue;
    {
      std::unique_lock lock(state->mutex);
      // Backpressure: wait while the answerer is far behind.
      state->ready.wait(lock, [&] { return state->waiting.size() < kMaxWaiting; });
      for (std::string& a : arrived) state->waiting.push_back(std::move(a));
    }
    arrived.clear();
    state->ready.notify_all();
  }
  if (!arrived.empty()) {
    std::lock_guard lock(state->mutex);
    for (std::string& a : arrived) state->waiting.push_back(std::move(a));
  }
  {
    std::lock_guard lock(state->mutex);
    state->ended = true;
  }
  state->ready.notify_one();
}

std::vector<std::string> QuestionQueue::take(std::size_t max) {
  std::unique_lock lock(state_->mutex);
  state_->ready.wait(lock, [this] { return !state_->waiting.empty() || state_->ended; });
  std::vector<std::string> out;
  while (!state_->waiting.empty() && out.size() < max) {
    out.push_back(std::move(state_->waiting.front()));
    state_->waiting.pop_front();
  }
  lock.unlock();
  state_->ready.notify_all();  // the reader may be waiting for room
  return out;
}

}  // namespace live_qa
