// liveformer generate: one prompt in, its continuation streamed to stdout.
#include "generate.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "generation.hpp"

namespace lf::cli {
namespace {

// -f FILE (or - for stdin). Editors end a file with a newline that is not
// part of the prompt, so one final newline is dropped, as llama.cpp does.
std::string read_prompt_file(const std::string& path) {
  std::string text;
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw_error("-f " + path, std::string("cannot read the prompt file: ") + std::strerror(errno));
    std::ostringstream all;
    all << in.rdbuf();
    text = std::move(all).str();
  }
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
  return text;
}

}  // namespace

int cmd_generate(Args& a) {
  const GenerationArgs g = read_generation_args(a, "generate", 128);
  const std::vector<std::string> prompt_option = a.all("-p");
  const std::vector<std::string> file_option = a.all("-f");
  a.finish();
  LF_CHECK(prompt_option.size() + file_option.size() <= 1, "arguments", "give the prompt once: -p TEXT or -f FILE");
  const std::string prompt = !file_option.empty()     ? read_prompt_file(file_option[0])
                             : !prompt_option.empty() ? prompt_option[0]
                                                      : std::string();

  GenerationSession s = open_generation(g);
  Generator& gen = *s.generator;
  std::vector<std::int32_t> tokens;
  if (g.system || !g.chat_template.empty()) {
    // The prompt is the user's turn of a conversation, in the model's format.
    std::vector<ChatMessage> messages;
    if (g.system) messages.push_back({"system", *g.system});
    messages.push_back({"user", prompt});
    const ChatTemplate chat = chat_template_for(*s.model, g);
    tokens = encode_chat(s.model->tokenizer(), chat.render(messages));
    if (g.verbose_prompt) std::fprintf(stderr, "prompt:\n%s\n", printable(chat.render_text(messages)).c_str());
  } else {
    tokens = gen.tokenize_prompt(prompt);
    if (g.verbose_prompt) std::fprintf(stderr, "prompt:\n%s\n", printable(prompt).c_str());
  }
  if (g.verbose_prompt) std::fprintf(stderr, "prompt tokens: %zu\n", tokens.size());
  require_prompt_fits(tokens.size(), gen);
  print_seed(s);

  s.options.on_text = [](std::string_view piece) {
    std::fwrite(piece.data(), 1, piece.size(), stdout);
    std::fflush(stdout);
    return true;
  };
  const GenerateResult r = gen.generate(std::span<const std::int32_t>(tokens), s.options);
  // A text file's last line ends with a newline; so does a shell prompt's
  // line after the answer.
  if (r.text.empty() || r.text.back() != '\n') std::fputc('\n', stdout);
  std::fflush(stdout);
  const double n = static_cast<double>(r.tokens.size());
  std::fprintf(stderr,
               "model: %s\nprompt: %lld tokens in %.3f s; generated %zu tokens in %.3f s (%.1f tokens/s); stop: %s\n",
               s.model->config().summary().c_str(), static_cast<long long>(r.prompt_tokens), r.prompt_seconds,
               r.tokens.size(), r.generate_seconds, r.generate_seconds > 0 ? n / r.generate_seconds : 0.0,
               stop_reason_name(r.stop_reason));
  return 0;
}

}  // namespace lf::cli
