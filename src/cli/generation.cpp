#include "generation.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <random>

#include "options.hpp"

namespace lf::cli {
namespace {

// Without --ctx: the trained context, capped so that a model trained on
// 128k tokens does not reserve a KV cache that size by default.
constexpr std::int64_t kDefaultContextCap = 4096;

std::optional<float> optional_number(Args& a, const char* name) {
  const std::string v = a.value(name, "");
  if (v.empty()) return std::nullopt;
  return parse_number(name, v);
}

// The model's own sampling defaults (generation_config.json), under the
// options given on the command line.
void apply_model_defaults(const GenerationDefaults& d, SamplingParams& s) {
  if (d.do_sample.has_value() && !*d.do_sample) s.temperature = 0;
  else if (d.temperature) s.temperature = *d.temperature;
  if (d.top_k) s.top_k = *d.top_k;
  if (d.top_p) s.top_p = *d.top_p;
  if (d.repetition_penalty) s.repetition_penalty = *d.repetition_penalty;
}

// The library checks these too, but under its field names (top_p); a CLI
// user typed the option's.
void check_sampling_options(const GenerationArgs& g) {
  LF_CHECK(!g.top_p || *g.top_p > 0, "arguments", "--top-p must be positive (1 turns it off)");
  LF_CHECK(!g.min_p || (*g.min_p >= 0 && *g.min_p <= 1), "arguments", "--min-p must be in [0, 1]");
  LF_CHECK(!g.repeat_penalty || *g.repeat_penalty > 0, "arguments", "--repeat-penalty must be positive (1 turns it off)");
}

std::int64_t resolve_context(const GenerationArgs& g, const ModelConfig& c) {
  const std::int64_t trained = c.n_ctx_train;
  if (!g.context) return std::min(trained, kDefaultContextCap);
  if (*g.context == 0) {
    std::fprintf(stderr, "context: %lld tokens (--ctx 0: the model's trained context)\n", static_cast<long long>(trained));
    return trained;
  }
  const std::int64_t ctx = *g.context;
  if (ctx > trained) {
    // GPT-2 has no positions past those it learned; others extrapolate, badly.
    LF_CHECK(c.arch != Architecture::gpt2, "arguments",
             "--ctx " + std::to_string(ctx) + " is beyond GPT-2's " + std::to_string(trained) +
                 " learned positions (use --ctx " + std::to_string(trained) + " or less)");
    std::fprintf(stderr,
                 "liveformer %s: warning: --ctx %lld is beyond the model's trained context of %lld tokens; "
                 "text past that point may be poor\n",
                 g.command.c_str(), static_cast<long long>(ctx), static_cast<long long>(trained));
  }
  return ctx;
}

std::uint64_t random_seed() {
  std::random_device device;
  // 32 bits, as llama.cpp prints them: short enough to type back.
  return device();
}

}  // namespace

GenerationArgs read_generation_args(Args& a, const std::string& command, std::int32_t default_max_new_tokens) {
  GenerationArgs g;
  g.command = command;
  g.model_path = a.require("-m");
  g.temperature = optional_number(a, "--temp");
  g.top_p = optional_number(a, "--top-p");
  g.min_p = optional_number(a, "--min-p");
  g.repeat_penalty = optional_number(a, "--repeat-penalty");
  const std::string top_k = a.value("--top-k", "");
  if (!top_k.empty()) g.top_k = static_cast<std::int32_t>(parse_integer("--top-k", top_k, -kMaxInt32, kMaxInt32));
  g.max_new_tokens = static_cast<std::int32_t>(a.integer("-n", default_max_new_tokens, kUntilEnd, kMaxInt32));
  g.repeat_last_n = static_cast<std::int32_t>(a.integer("--repeat-last-n", g.repeat_last_n, -1, kMaxInt32));
  const std::string seed = a.value("--seed", "");
  if (!seed.empty())
    g.seed = static_cast<std::uint64_t>(parse_integer("--seed", seed, 0, std::numeric_limits<long long>::max()));
  g.stop = a.all("--stop");
  g.stop_at_eos = !a.flag("--no-eos");
  const std::string ctx = a.value("--ctx", "");
  if (!ctx.empty()) g.context = parse_integer("--ctx", ctx, 0, kMaxInt32);
  const std::vector<std::string> system = a.all("--system");
  LF_CHECK(system.size() <= 1, "arguments", "option --system given more than once");
  if (!system.empty()) g.system = system[0];
  g.chat_template = a.value("--chat-template", "");
  LF_CHECK(g.chat_template.empty() || chat_format_from_name(g.chat_template).has_value(), "arguments",
           "--chat-template must be chatml, llama2 or zephyr, got '" + g.chat_template + "'");
  g.verbose_prompt = a.flag("--verbose-prompt");
  g.load = load_options(a);
  g.threads = thread_counts(a);
  g.kv_type = kv_type(a);
  g.device = device(a);
  check_sampling_options(g);
  return g;
}

GenerationSession open_generation(const GenerationArgs& g) {
  const Device device_used = resolve_device(g.device);  // cuda without a GPU: the driver's message, before loading
  GenerationSession s;
  s.model = std::make_shared<const Model>(Model::load(g.model_path, g.load));
  GenerateOptions& opt = s.options;
  apply_model_defaults(s.model->info().generation, opt.sampling);
  if (g.temperature) opt.sampling.temperature = *g.temperature;
  if (g.top_k) opt.sampling.top_k = *g.top_k;
  if (g.top_p) opt.sampling.top_p = *g.top_p;
  if (g.min_p) opt.sampling.min_p = *g.min_p;
  if (g.repeat_penalty) opt.sampling.repetition_penalty = *g.repeat_penalty;
  opt.sampling.penalty_last_n = g.repeat_last_n;
  opt.stop = g.stop;
  opt.stop_at_eos = g.stop_at_eos;

  const std::int64_t ctx = resolve_context(g, s.model->config());
  opt.max_new_tokens = g.max_new_tokens == kUntilEnd ? std::numeric_limits<std::int32_t>::max() : g.max_new_tokens;
  if (device_used == Device::cuda) {
    LF_CHECK(g.kv_type == DType::f32, "arguments", "--kv-type: the KV cache on device cuda is f32");
    s.generator = std::make_unique<Generator>(load_accelerator(s.model), ctx);  // weights, cache, sampling on the GPU
    std::fprintf(stderr, "device: %s\n", s.generator->accelerator()->device_name().c_str());
  } else {
    try {
      require_kv_budget(*s.model, ctx, g.kv_type, 0);
    } catch (const Error& e) {
      // The library's advice names its own knobs; say which options they are.
      std::string message = e.what();
      message = message.substr(0, message.find("; use a shorter context"));
      throw Error(message + "; give a smaller --ctx, or --kv-type f16", e.kind());
    }
    s.generator = std::make_unique<Generator>(s.model, ctx, g.threads, g.kv_type);
  }

  // Greedy decoding draws no random numbers, so it needs no seed.
  if (opt.sampling.temperature > 0) opt.sampling.seed = g.seed ? *g.seed : random_seed();
  return s;
}

void print_seed(const GenerationSession& s) {
  if (s.options.sampling.temperature > 0)
    std::fprintf(stderr, "seed: %llu\n", static_cast<unsigned long long>(s.options.sampling.seed));
}

ChatTemplate chat_template_for(const Model& model, const GenerationArgs& g) {
  const std::string& jinja = model.info().chat_template;
  if (g.chat_template.empty() && !detect_chat_format(jinja))
    throw_error("arguments", std::string(jinja.empty() ? "the model has no chat template"
                                                       : "the model's chat template is not one liveformer knows") +
                                 "; name its format with --chat-template chatml|llama2|zephyr");
  return ChatTemplate::resolve(jinja, g.chat_template);
}

void require_prompt_fits(std::size_t n_prompt, const Generator& generator) {
  const std::int64_t ctx = generator.context_length();
  if (static_cast<std::int64_t>(n_prompt) > ctx)
    throw Error("the prompt has " + std::to_string(n_prompt) + " tokens, more than the context length " +
                    std::to_string(ctx) + "; give a larger --ctx",
                ErrorKind::context_full);
}

}  // namespace lf::cli
