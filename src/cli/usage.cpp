#include "usage.hpp"

#include <array>

namespace lf::cli {
namespace {

struct CommandUsage {
  const char* name;
  const char* text;
};

// One entry per command, in the order `liveformer --help` lists them.
constexpr std::array kCommands{
    CommandUsage{"generate",
                 "  generate -m MODEL [-p PROMPT | -f FILE] [--system TEXT] [-n N] [--temp T] [--top-k K]\n"
                 "           [--top-p P] [--min-p P] [--repeat-penalty R] [--repeat-last-n N] [--seed S]\n"
                 "           [--ctx N] [--stop STR]... [--no-eos] [--chat-template chatml|llama2|zephyr]\n"
                 "           [-t THREADS] [-tb PREFILL_THREADS] [--quantize TYPE] [--kv-type f32|f16|bf16|q8_0]\n"
                 "           [--device cpu|cuda|auto]  (cuda: weights, KV cache and sampling on the GPU;\n"
                 "           auto: cuda where a GPU and the CUDA backend are there, else the CPU)\n"
                 "           prints only the continuation (streamed, ending with a newline); timings go to stderr\n"
                 "           -f FILE: the prompt is the file's text (one final newline dropped; - reads stdin)\n"
                 "           --system TEXT: the prompt becomes a user message after this system message,\n"
                 "             rendered with the model's chat template (--chat-template names one)\n"
                 "           --verbose-prompt: the prompt as the model sees it, on stderr\n"
                 "           -n N: at most N new tokens (default 128); -1: until the end of the text or the context\n"
                 "           --seed S: sampling picks a random seed and prints it ('seed: S') unless given\n"
                 "           --ctx N: the context length (default: the model's trained context, at most 4096;\n"
                 "             0: the trained context; beyond it a warning)\n"},
    CommandUsage{"chat",
                 "  chat -m MODEL [--system TEXT] [--chat-template NAME] [-n N] [and generate's options\n"
                 "       from --temp to --device]  a conversation on the terminal: one line is one user\n"
                 "       turn, the answer streams back (default -n -1: until the model ends its turn);\n"
                 "       the history goes through the model's chat template; /reset forgets it, /exit or\n"
                 "       end of input quits; Ctrl-C stops the answer, Ctrl-C at the prompt quits;\n"
                 "       --verbose-prompt shows each turn's prompt and how much of it was reused\n"},
    CommandUsage{"tokenize",
                 "  tokenize -m MODEL_OR_TOKENIZER [--add-special] [--pieces] (TEXT | --stdin)\n"
                 "           the ids on one line; --pieces: one token a line, its id and its text quoted\n"},
    CommandUsage{"info", "  info -m MODEL\n"},
    CommandUsage{"convert", "  convert -m MODEL -o OUT.gguf [--type f32|f16|bf16|q8_0|q4_0]\n"},
    CommandUsage{"quantize", "  quantize MODEL OUT.gguf TYPE   (= convert with --type TYPE)\n"},
    CommandUsage{"bench",
                 "  bench -m MODEL [-t THREADS] [-tb PREFILL_THREADS] [-p 512] [-n 128] [--depth D]...\n"
                 "        [-r REPS] [--quantize TYPE] [--kv-type f32|f16|bf16|q8_0] [--roofline] [--json]\n"
                 "        prompt and generation speed, load time, peak RSS; --roofline also measures\n"
                 "        the machine's limits and reports each test as a percentage of its limit\n"},
    CommandUsage{"roofline", "  roofline [-t THREADS]   memory bandwidth (STREAM triad over 1 GiB) and peak f32 FMA\n"},
    CommandUsage{"serve",
                 "  serve [-m MODEL] [--host 127.0.0.1] [--port 8080] [--slots N] [--ctx N] [-t N] ...\n"
                 "        an OpenAI-compatible HTTP server and the live rooms (liveformer-serve --help)\n"},
};

constexpr const char* kNotes =
    "generate, chat and bench also take --no-pack (no AVX-512 copies of the matrices: less memory,\n"
    "  slower prefill) and --no-check-finite (skip the NaN/Inf scan of the weights at load).\n"
    "TYPE is f32, f16, bf16, q8_0 or q4_0; --quantize converts the matrices while loading.\n"
    "THREADS: 0 (the default) means one per hardware thread.\n"
    "MODEL is a .gguf file or a Hugging Face model directory.\n";

}  // namespace

const std::set<std::string>& command_names() {
  static const std::set<std::string> names = [] {
    std::set<std::string> s;
    for (const CommandUsage& c : kCommands) s.insert(c.name);
    return s;
  }();
  return names;
}

void print_usage(std::FILE* out) {
  std::fputs("usage: liveformer COMMAND [options]   (liveformer COMMAND --help: that command alone)\n", out);
  for (const CommandUsage& c : kCommands) std::fputs(c.text, out);
  std::fputs(kNotes, out);
}

bool print_command_usage(std::string_view command, std::FILE* out) {
  for (const CommandUsage& c : kCommands) {
    if (command != c.name) continue;
    std::fputs("usage: liveformer COMMAND [options]\n", out);
    std::fputs(c.text, out);
    std::fputs(kNotes, out);
    return true;
  }
  return false;
}

}  // namespace lf::cli
