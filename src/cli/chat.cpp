// liveformer chat: one line of input is one user turn; the answer streams
// back. The conversation is kept as messages and rendered through the
// model's chat template each turn; the Generator keeps the tokens it has
// already evaluated, so only what is new since the last turn is computed.
#include "chat.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "error_text.hpp"
#include "generation.hpp"
#include "interrupt.hpp"
#include "liveformer/formats/utf8.hpp"

namespace lf::cli {
namespace {

// Writes all of `text` to stdout, retrying after signals: an answer must
// not lose bytes because Ctrl-C arrived during a write.
void write_stdout(std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(STDOUT_FILENO, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw_error("stdout", std::string("cannot write: ") + std::strerror(errno));
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Lines of stdin, read beside the Ctrl-C wake pipe so that a press while
// waiting for input is seen at once.
class LineReader {
 public:
  enum class Status { line, end_of_input, interrupted };

  Status next(std::string& line) {
    for (;;) {
      if (const std::size_t newline = buffer_.find('\n'); newline != std::string::npos) {
        line = buffer_.substr(0, newline);
        buffer_.erase(0, newline + 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return Status::line;
      }
      if (end_) {
        if (buffer_.empty()) return Status::end_of_input;
        line = std::move(buffer_);  // a last line without its newline
        buffer_.clear();
        return Status::line;
      }
      if (InterruptHandler::requested()) return Status::interrupted;
      pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {InterruptHandler::wake_fd(), POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        throw_error("stdin", std::string("cannot wait for input: ") + std::strerror(errno));
      }
      if (fds[1].revents & POLLIN) return Status::interrupted;
      if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char chunk[4096];
      const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
      if (n > 0) buffer_.append(chunk, static_cast<std::size_t>(n));
      else if (n == 0) end_ = true;
      else if (errno != EINTR && errno != EAGAIN) throw_error("stdin", std::string("cannot read: ") + std::strerror(errno));
    }
  }

 private:
  std::string buffer_;
  bool end_ = false;
};

// One user turn: a line, or several joined when each but the last ends
// with a backslash (as in llama.cpp).
LineReader::Status read_turn(LineReader& reader, std::string& turn) {
  turn.clear();
  std::string line;
  for (;;) {
    const LineReader::Status status = reader.next(line);
    if (status != LineReader::Status::line) return turn.empty() ? status : LineReader::Status::line;
    if (line.empty() || line.back() != '\\') {
      turn += line;
      return LineReader::Status::line;
    }
    line.pop_back();
    turn += line + "\n";
  }
}

class Conversation {
 public:
  Conversation(const GenerationArgs& args, GenerationSession& session)
      : args_(args), session_(session), template_(chat_template_for(*session.model, args)) {
    reset();
  }

  void reset() {
    messages_.clear();
    if (args_.system) messages_.push_back({"system", *args_.system});
  }

  /// Answers `text`, streaming the answer to stdout. When the turn cannot
  /// run (said on stderr, or thrown), `text` is not kept in the history.
  void answer(const std::string& text) {
    messages_.push_back({"user", text});
    std::vector<std::int32_t> tokens = fit_into_context();
    Generator& gen = *session_.generator;
    if (static_cast<std::int64_t>(tokens.size()) >= gen.context_length()) {
      std::fprintf(stderr, "liveformer chat: error: this turn needs %zu tokens, and the context holds %lld (--ctx)\n",
                   tokens.size(), static_cast<long long>(gen.context_length()));
      messages_.pop_back();
      return;
    }
    if (args_.verbose_prompt)
      std::fprintf(stderr, "prompt (%zu tokens):\n%s\n", tokens.size(), printable(template_.render_text(messages_)).c_str());

    GenerateOptions options = session_.options;
    options.on_text = [](std::string_view piece) {
      if (InterruptHandler::requested()) return false;
      write_stdout(piece);
      return true;
    };
    GenerateResult r;
    try {
      r = gen.generate(std::span<const std::int32_t>(tokens), options);
    } catch (...) {
      messages_.pop_back();
      throw;
    }
    // A press during the answer belongs to it, even one that came as the
    // answer ended on its own; a later one quits at the prompt.
    if (InterruptHandler::requested()) InterruptHandler::consume_press();
    write_stdout("\n");
    if (args_.verbose_prompt)
      std::fprintf(stderr, "(prompt: %lld tokens, %lld of them reused from the cache)\n",
                   static_cast<long long>(r.prompt_tokens), static_cast<long long>(r.reused_prompt_tokens));
    if (r.stop_reason == StopReason::cancelled) std::fputs("(answer stopped)\n", stderr);
    if (r.stop_reason == StopReason::context_full) std::fputs("(the context is full: the answer stops here)\n", stderr);
    // What the user saw is what the model said, stopped or not.
    messages_.push_back({"assistant", r.text});
  }

 private:
  // The rendered conversation, after forgetting the oldest turns (never the
  // system message, never the new user turn) until an answer has room.
  std::vector<std::int32_t> fit_into_context() {
    const std::int64_t ctx = session_.generator->context_length();
    const std::int64_t room = args_.max_new_tokens == kUntilEnd ? ctx / 4 : std::min<std::int64_t>(args_.max_new_tokens, ctx / 2);
    const std::size_t first_turn = args_.system ? 1 : 0;
    std::vector<std::int32_t> tokens = render();
    bool forgot = false;
    while (static_cast<std::int64_t>(tokens.size()) + room > ctx && messages_.size() > first_turn + 1) {
      // A user turn and the answer to it go together.
      const std::size_t n = messages_.size() > first_turn + 2 && messages_[first_turn + 1].role == "assistant" ? 2 : 1;
      messages_.erase(messages_.begin() + static_cast<std::ptrdiff_t>(first_turn),
                      messages_.begin() + static_cast<std::ptrdiff_t>(first_turn + n));
      forgot = true;
      tokens = render();
    }
    if (forgot) std::fputs("(the conversation outgrew the context: its oldest turns are forgotten)\n", stderr);
    return tokens;
  }

  std::vector<std::int32_t> render() const {
    return encode_chat(session_.model->tokenizer(), template_.render(messages_));
  }

  const GenerationArgs& args_;
  GenerationSession& session_;
  ChatTemplate template_;
  std::vector<ChatMessage> messages_;
};

}  // namespace

int cmd_chat(Args& a) {
  const GenerationArgs g = read_generation_args(a, "chat", kUntilEnd);
  a.finish();
  GenerationSession session = open_generation(g);
  Conversation conversation(g, session);
  print_seed(session);
  const bool terminal = ::isatty(STDIN_FILENO) == 1;
  std::fprintf(stderr,
               "model: %s\nchat: one line per turn (end a line with \\ to continue it); /reset forgets the "
               "conversation; /exit, end of input or Ctrl-C at the prompt quits; Ctrl-C stops an answer\n",
               session.model->config().summary().c_str());

  InterruptHandler interrupts;
  LineReader reader;
  std::string turn;
  for (;;) {
    if (terminal) write_stdout("> ");
    const LineReader::Status status = read_turn(reader, turn);
    if (status == LineReader::Status::interrupted) {
      if (terminal) write_stdout("\n");
      return 130;  // the shell's status for a program ended by Ctrl-C
    }
    if (status == LineReader::Status::end_of_input || turn == "/exit" || turn == "/quit") break;
    if (turn.empty()) continue;
    if (turn == "/reset") {
      conversation.reset();
      std::fputs("(conversation forgotten)\n", stderr);
      continue;
    }
    if (const std::size_t bad = utf8::first_invalid(turn); bad != turn.size()) {
      std::fprintf(stderr, "liveformer chat: error: that line is not valid UTF-8 (byte %zu); it was not sent\n", bad + 1);
      continue;
    }
    try {
      conversation.answer(turn);
    } catch (const Error& e) {
      // One turn failing (say, text that is not UTF-8) does not end the chat.
      std::fprintf(stderr, "%s\n", error_line("chat", e.what()).c_str());
    }
  }
  if (terminal) write_stdout("\n");
  return 0;
}

}  // namespace lf::cli
