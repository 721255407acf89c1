// liveformer: the command-line tool (generate, chat, tokenize, info,
// convert, quantize, bench, roofline, serve).
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <new>
#include <string>
#include <vector>

#include "args.hpp"
#include "bench.hpp"
#include "chat.hpp"
#include "error_text.hpp"
#include "generate.hpp"
#include "options.hpp"
#include "tokenize.hpp"
#include "usage.hpp"
#include "liveformer/model/convert.hpp"
#include "liveformer/model/model.hpp"
#include "liveformer/version.hpp"

using lf::cli::Args;

namespace {

int cmd_info(Args& a) {
  const std::string path = a.require("-m");
  a.finish();
  const lf::Model model = lf::Model::load(path);
  const lf::ModelConfig& c = model.config();
  const lf::ModelInfo& i = model.info();
  const lf::Vocabulary& v = model.tokenizer().vocabulary();
  auto token = [&](std::int32_t id) { return id < 0 ? std::string("none") : std::to_string(id) + " '" + v.tokens[static_cast<std::size_t>(id)] + "'"; };
  std::printf("file:          %s (%s)\n", i.path.c_str(), i.format.c_str());
  if (!i.name.empty()) std::printf("name:          %s\n", i.name.c_str());
  std::printf("architecture:  %s\n", lf::architecture_name(c.arch));
  std::printf("layers:        %lld\nwidth:         %lld\nheads:         %lld (kv %lld, head_dim %lld)\n",
              (long long)c.n_layers, (long long)c.n_embd, (long long)c.n_heads, (long long)c.n_kv_heads, (long long)c.head_dim);
  std::printf("feed-forward:  %lld\nvocab:         %lld\ncontext:       %lld\n", (long long)c.n_ff,
              (long long)c.vocab_size, (long long)c.n_ctx_train);
  if (c.uses_rope())
    std::printf("rope:          theta %g, %s%s\n", c.rope_theta,
                c.rope_layout == lf::RopeLayout::Interleaved ? "interleaved" : "rotate-half",
                c.rotary_dim ? (", " + std::to_string(c.rotary_dim) + " dims").c_str() : "");
  std::printf("norm eps:      %g\noutput:        %s\n", c.norm_eps, c.tied_output ? "tied to token embedding" : "separate");
  std::printf("weights:       %s\n", i.weight_type.c_str());
  std::printf("tokenizer:     %s, %zu tokens\n",
              v.model == lf::TokenizerModel::sentencepiece ? "sentencepiece" : "byte-level BPE", v.size());
  std::printf("special:       bos %s, eos %s, unk %s, pad %s; add bos %s\n", token(v.bos_id).c_str(),
              token(v.eos_id).c_str(), token(v.unk_id).c_str(), token(v.pad_id).c_str(), v.add_bos ? "yes" : "no");
  std::string eos;
  for (std::int32_t id : i.eos_ids) eos += (eos.empty() ? "" : ", ") + token(id);
  std::printf("stop at:       %s\n", eos.empty() ? "none" : eos.c_str());
  std::printf("chat template: %s\n", i.chat_template.empty() ? "none" : "present");
  return 0;
}

int convert(const std::string& path, const std::string& out, const std::string& type_name, const char* option) {
  const lf::DType type = lf::cli::parse_weight_type(option, type_name);
  lf::LoadOptions load;
  load.pack = false;  // only the stored matrices are written
  const lf::Model model = lf::Model::load(path, load);
  lf::write_gguf(model, out, type);
  std::fprintf(stderr, "wrote %s (%s, %s matrices)\n", out.c_str(), lf::architecture_name(model.config().arch),
               type_name.c_str());
  return 0;
}

int cmd_convert(Args& a) {
  const std::string path = a.require("-m");
  const std::string out = a.require("-o");
  const std::string type = a.value("--type", "f32");
  a.finish();
  return convert(path, out, type, "--type");
}

int cmd_quantize(Args& a) {
  const std::vector<std::string> rest = a.positional();
  a.finish();
  LF_CHECK(rest.size() == 3, "arguments", "usage: liveformer quantize MODEL OUT.gguf TYPE");
  return convert(rest[0], rest[1], rest[2], "TYPE");
}

// Runs PROGRAM from this executable's directory with argv[0..argc) (argv[0]
// replaced); returns only on failure.
int exec_sibling(const char* program, int argc, char** argv) {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::filesystem::path path = (ec ? std::filesystem::path(".") : self.parent_path()) / program;
  std::vector<char*> args(argv, argv + argc);
  std::string name = path.string();
  args[0] = name.data();
  args.push_back(nullptr);
  ::execv(name.c_str(), args.data());
  std::fprintf(stderr, "liveformer serve: cannot run %s (%s); build it with the examples (it needs libboost-dev)\n",
               name.c_str(), std::strerror(errno));
  return 1;
}

// An unknown command: one line naming it, the closest command if it looks
// like a typo, and where the list is.
int unknown_command(const std::string& command) {
  const std::string guess = lf::cli::closest_name(command, lf::cli::command_names());
  std::fprintf(stderr, "liveformer: unknown command '%s'%s; see 'liveformer --help'\n",
               lf::printable(command).c_str(), guess.empty() ? "" : (" (did you mean '" + guess + "'?)").c_str());
  return 2;
}

int run_command(const std::string& command, Args& args) {
  if (command == "generate") return lf::cli::cmd_generate(args);
  if (command == "chat") return lf::cli::cmd_chat(args);
  if (command == "tokenize") return lf::cli::cmd_tokenize(args);
  if (command == "info") return cmd_info(args);
  if (command == "convert") return cmd_convert(args);
  if (command == "quantize") return cmd_quantize(args);
  if (command == "bench") return lf::cli::cmd_bench(args);
  if (command == "roofline") return lf::cli::cmd_roofline(args);
  return unknown_command(command);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "--help")) {
    lf::cli::print_usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (!std::strcmp(argv[1], "--version")) {
    std::printf("liveformer %s\n", LIVEFORMER_VERSION_STRING);
    return 0;
  }
  const std::string command = argv[1];
  // The server is its own program beside this one (it links Boost.Beast and
  // the apps' libraries, which this tool does not need).
  if (command == "serve") return exec_sibling("liveformer-serve", argc - 1, argv + 1);
  if (!lf::cli::command_names().contains(command)) return unknown_command(command);
  try {
    Args args(argc - 2, argv + 2);
    if (args.wants_help()) {
      lf::cli::print_command_usage(command, stdout);
      return 0;
    }
    return run_command(command, args);
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "liveformer %s: error: out of memory\n", command.c_str());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", lf::cli::error_line(command, e.what()).c_str());
    return 1;
  }
}
