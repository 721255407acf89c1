// Questions arriving one per line (stdin or a file), read on a background
// thread so that the answering loop can take "the questions waiting now"
// as one batch.
#pragma once

#include <condition_variable>
#include <deque>
#include <istream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace live_qa {

class QuestionQueue {
 public:
  /// Starts reading `in` line by line; blank lines are skipped, questions
  /// are trimmed and invalid UTF-8 bytes replaced by U+FFFD. Lines the
  /// stream has already buffered (a file's, unlike a live pipe's) become
  /// waiting together.
  explicit QuestionQueue(std::unique_ptr<std::istream> in);
  ~QuestionQueue();
  QuestionQueue(const QuestionQueue&) = delete;
  QuestionQueue& operator=(const QuestionQueue&) = delete;

  /// Waits for at least one question, then returns it with up to max - 1
  /// more that are already waiting. Empty when the input has ended.
  std::vector<std::string> take(std::size_t max);

 private:
  // Shared with the reader thread, which may outlive the queue when the
  // app exits early while a live feed is still open.
  struct State {
    std::unique_ptr<std::istream> in;
    std::mutex mutex;
    std::condition_variable ready;
    std::deque<std::string> waiting;
    bool ended = false;
  };
  static void read_loop(std::shared_ptr<State> state);

  std::shared_ptr<State> state_;
  std::thread reader_;
};

}  // namespace live_qa
