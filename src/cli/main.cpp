// liveformer: the command-line tool (generate, tokenize, info, convert,
// quantize, bench).
#include <cstdio>
#include <cstring>
#include <cerrno>
#include <unistd.h>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "args.hpp"
#include "bench.hpp"
#include "options.hpp"
#include "liveformer/formats/gguf.hpp"
#include "liveformer/model/convert.hpp"
#include "liveformer/model/model.hpp"
#include "liveformer/runtime/accelerator.hpp"
#include "liveformer/runtime/generator.hpp"
#include "liveformer/version.hpp"

namespace fs = std::filesystem;
using lf::cli::Args;

namespace {

const char* kUsage =
    "usage: liveformer COMMAND [options]\n"
    "  generate -m MODEL [-p PROMPT] [-n N] [--temp T] [--top-k K] [--top-p P] [--min-p P]\n"
    "           [--repeat-penalty R] [--repeat-last-n N] [--seed S] [--ctx N] [--stop STR]...\n"
    "           [--no-eos] [-t THREADS] [-tb PREFILL_THREADS] [--quantize TYPE] [--kv-type f32|f16|bf16|q8_0]\n"
    "           [--device cpu|cuda|auto]  (cuda: weights, KV cache and sampling on the GPU;\n"
    "           auto: cuda where a GPU and the CUDA backend are there, else the CPU)\n"
    "           prints only the continuation (streamed); timings go to stderr\n"
    "  tokenize -m MODEL_OR_TOKENIZER [--add-special] (TEXT | --stdin)\n"
    "  info -m MODEL\n"
    "  convert -m MODEL -o OUT.gguf [--type f32|f16|bf16|q8_0|q4_0]\n"
    "  quantize MODEL OUT.gguf TYPE   (= convert with --type TYPE)\n"
    "  bench -m MODEL [-t THREADS] [-tb PREFILL_THREADS] [-p 512] [-n 128] [--depth D]...\n"
    "        [-r REPS] [--quantize TYPE] [--kv-type f32|f16|bf16|q8_0] [--roofline] [--json]\n"
    "        prompt and generation speed, load time, peak RSS; --roofline also measures\n"
    "        the machine's limits and reports each test as a percentage of its limit\n"
    "  roofline [-t THREADS]   memory bandwidth (STREAM triad over 1 GiB) and peak f32 FMA\n"
    "  serve [-m MODEL] [--host 127.0.0.1] [--port 8080] [--slots N] [--ctx N] [-t N] ...\n"
    "        an OpenAI-compatible HTTP server and the live rooms (liveformer-serve --help)\n"
    "generate and bench also take --no-pack (no AVX-512 copies of the matrices: less memory,\n"
    "  slower prefill) and --no-check-finite (skip the NaN/Inf scan of the weights at load).\n"
    "TYPE is f32, f16, bf16, q8_0 or q4_0; --quantize converts the matrices while loading.\n"
    "THREADS: 0 (the default) means one per hardware thread.\n"
    "MODEL is a .gguf file or a Hugging Face model directory.\n";

// The model's own sampling defaults (generation_config.json), under the
// options given on the command line.
void apply_model_defaults(const lf::GenerationDefaults& d, lf::SamplingParams& s) {
  if (d.do_sample.has_value() && !*d.do_sample) s.temperature = 0;
  else if (d.temperature) s.temperature = *d.temperature;
  if (d.top_k) s.top_k = *d.top_k;
  if (d.top_p) s.top_p = *d.top_p;
  if (d.repetition_penalty) s.repetition_penalty = *d.repetition_penalty;
}

int cmd_generate(Args& a) {
  const std::string path = a.require("-m");
  // Options given on the command line override the model's defaults.
  auto optional_number = [&](const char* name) -> std::optional<float> {
    const std::string v = a.value(name, "");
    if (v.empty()) return std::nullopt;
    return lf::cli::parse_number(name, v);
  };
  const auto temp = optional_number("--temp"), top_p = optional_number("--top-p");
  const auto min_p = optional_number("--min-p"), penalty = optional_number("--repeat-penalty");
  const std::string top_k = a.value("--top-k", "");
  lf::GenerateOptions opt;
  using lf::cli::kMaxInt32;
  opt.max_new_tokens = static_cast<std::int32_t>(a.integer("-n", 128, 0, kMaxInt32));
  opt.sampling.penalty_last_n =
      static_cast<std::int32_t>(a.integer("--repeat-last-n", opt.sampling.penalty_last_n, -1, kMaxInt32));
  opt.sampling.seed = static_cast<std::uint64_t>(
      a.integer("--seed", static_cast<long long>(opt.sampling.seed), 0, std::numeric_limits<long long>::max()));
  opt.stop = a.all("--stop");
  opt.stop_at_eos = !a.flag("--no-eos");
  const std::string prompt = a.value("-p", "");
  const long long ctx_arg = a.integer("--ctx", 0, 0, kMaxInt32);
  const long long top_k_value = top_k.empty() ? 0 : lf::cli::parse_integer("--top-k", top_k, -kMaxInt32, kMaxInt32);
  const lf::LoadOptions load = lf::cli::load_options(a);
  const lf::ThreadCounts threads = lf::cli::thread_counts(a);
  const lf::DType kv = lf::cli::kv_type(a);
  const lf::Device device = lf::cli::device(a);
  a.finish();
  const lf::Device device_used = lf::resolve_device(device);  // cuda without a GPU: the driver's message
  LF_CHECK(opt.max_new_tokens >= 0, "arguments", "-n must be >= 0, got " + std::to_string(opt.max_new_tokens));
  LF_CHECK(ctx_arg >= 0, "arguments", "--ctx must be >= 0, got " + std::to_string(ctx_arg));

  auto model = std::make_shared<const lf::Model>(lf::Model::load(path, load));
  apply_model_defaults(model->info().generation, opt.sampling);
  if (temp) opt.sampling.temperature = *temp;
  if (!top_k.empty()) opt.sampling.top_k = static_cast<std::int32_t>(top_k_value);
  if (top_p) opt.sampling.top_p = *top_p;
  if (min_p) opt.sampling.min_p = *min_p;
  if (penalty) opt.sampling.repetition_penalty = *penalty;
  const auto ctx = ctx_arg > 0 ? ctx_arg : std::min<long long>(model->config().n_ctx_train, 4096);
  std::optional<lf::Generator> gen;
  if (device_used == lf::Device::cuda) {
    LF_CHECK(kv == lf::DType::f32, "arguments", "--kv-type: the KV cache on device cuda is f32");
    gen.emplace(lf::load_accelerator(model), ctx);  // weights, KV cache and sampling on the device
    std::fprintf(stderr, "device: %s\n", gen->accelerator()->device_name().c_str());
  } else {
    lf::require_kv_budget(*model, ctx, kv, 0);
    gen.emplace(model, ctx, threads, kv);
  }
  opt.on_text = [](std::string_view piece) {
    std::fwrite(piece.data(), 1, piece.size(), stdout);
    std::fflush(stdout);
    return true;
  };
  const lf::GenerateResult r = gen->generate(prompt, opt);
  const double n = static_cast<double>(r.tokens.size());
  std::fprintf(stderr, "\nmodel: %s\nprompt: %lld tokens in %.3f s; generated %zu tokens in %.3f s (%.1f tokens/s); stop: %s\n",
               model->config().summary().c_str(), static_cast<long long>(r.prompt_tokens), r.prompt_seconds, r.tokens.size(),
               r.generate_seconds, r.generate_seconds > 0 ? n / r.generate_seconds : 0.0, lf::stop_reason_name(r.stop_reason));
  return 0;
}

std::unique_ptr<lf::Tokenizer> open_tokenizer(const fs::path& p) {
  if (fs::is_directory(p)) {
    if (fs::exists(p / "tokenizer.json")) return lf::make_tokenizer(lf::Vocabulary::from_tokenizer_json(p / "tokenizer.json"));
    if (fs::exists(p / "tokenizer.model")) return lf::load_sentencepiece_model(p / "tokenizer.model");
    throw lf::Error(p.string() + ": no tokenizer.json or tokenizer.model in the directory");
  }
  if (p.extension() == ".json") return lf::make_tokenizer(lf::Vocabulary::from_tokenizer_json(p));
  if (p.extension() == ".model") return lf::load_sentencepiece_model(p);
  return lf::make_tokenizer(lf::Vocabulary::from_gguf(lf::GgufFile::open(p.string())));
}

int cmd_tokenize(Args& a) {
  const std::string path = a.require("-m");
  const bool add_special = a.flag("--add-special");
  const bool from_stdin = a.flag("--stdin");
  std::string text;
  if (from_stdin) {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    const std::vector<std::string> rest = a.positional();
    if (rest.size() != 1) throw lf::Error("tokenize: give the text as one argument, or --stdin");
    text = rest[0];
  }
  a.finish();
  const auto tok = open_tokenizer(path);
  const std::vector<std::int32_t> ids = tok->encode(text, add_special);
  std::string line;
  for (std::size_t i = 0; i < ids.size(); ++i) line += (i ? " " : "") + std::to_string(ids[i]);
  std::printf("%s\n", line.c_str());
  return 0;
}

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
  if (rest.size() != 3) throw lf::Error("quantize: usage: liveformer quantize MODEL OUT.gguf TYPE");
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

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "--help")) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
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
  try {
    Args args(argc - 2, argv + 2);
    if (command == "generate") return cmd_generate(args);
    if (command == "tokenize") return cmd_tokenize(args);
    if (command == "info") return cmd_info(args);
    if (command == "convert") return cmd_convert(args);
    if (command == "quantize") return cmd_quantize(args);
    if (command == "bench") return lf::cli::cmd_bench(args);
    if (command == "roofline") return lf::cli::cmd_roofline(args);
    std::fprintf(stderr, "liveformer: unknown command '%s'\n%s", command.c_str(), kUsage);
    return 2;
  } catch (const std::exception& e) {
    // One line: messages never contain newlines of their own except JSON
    // parser details, which are flattened.
    std::string msg = lf::printable(e.what());  // lf::Error is already; others may quote a file too
    for (char& ch : msg)
      if (ch == '\n') ch = ' ';
    std::fprintf(stderr, "liveformer %s: error: %s\n", command.c_str(), msg.c_str());
    return 1;
  }
}
