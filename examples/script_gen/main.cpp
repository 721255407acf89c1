// script-gen: a product JSON in, a live-stream host script out (streamed),
// using only the liveformer C API.
//
//   script-gen [--model PATH] [--json] PRODUCT.json
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>

#include <liveformer/liveformer.h>

#include "common/app_error.hpp"
#include "common/args.hpp"
#include "common/json_input.hpp"
#include "common/model.hpp"
#include "common/product.hpp"
#include "common/prompts.hpp"

namespace {

int stream_to_stdout(const char* piece, size_t len, void* /*user*/) {
  std::fwrite(piece, 1, len, stdout);
  std::fflush(stdout);
  return 0;
}

int script_gen(int argc, char** argv) {
  app::Args args("script-gen [options] PRODUCT.json",
                 "Writes a live-stream host script (opening, product introduction, selling points, price and\n"
                 "promotion, call to action) for the product described by PRODUCT.json ('-': stdin) and\n"
                 "streams it to stdout. Progress goes to stderr.",
                 {{"model", "PATH", "GGUF file or HF directory (default: the demo model)"},
                  {"json", "", "print {\"script\", \"tokens\", \"tokens_per_s\"} instead of streaming"},
                  {"request", "TEXT", "the user turn (default: 为这个商品写一段直播口播。)"},
                  {"max-tokens", "N", "most tokens to generate (default 400)"},
                  {"temp", "T", "sampling temperature, 0 = greedy (default 0.7)"},
                  {"top-p", "P", "nucleus sampling (default 0.9)"},
                  {"repeat-penalty", "R", "repetition penalty (default 1.1)"},
                  {"seed", "N", "sampling seed (default 1)"},
                  {"ctx", "N", "context length (default: the model's, at most 4096)"},
                  {"print-prompt", "", "print the prompt as ChatML text (prompts.py's chatml()) and exit; no model needed"}});
  if (!args.parse(argc, argv, 1, 1)) return 0;
  const bool as_json = args.flag("json");
  const int max_tokens = static_cast<int>(args.integer("max-tokens", 400, 1, 1 << 20));
  const int n_ctx = static_cast<int>(args.integer("ctx", 0, 0, 1 << 20));
  const std::string request = args.value_or("request", app::prompts::kDefaultScriptRequest);

  // Input first, so that bad input fails fast and before any progress line.
  const app::Product product = app::load_product(args.positionals()[0]);
  if (args.flag("print-prompt")) {
    std::fputs(app::prompts::chatml_text({{"system", std::string(app::prompts::kSystemScript) + "\n" +
                                                        app::render_product(product)},
                                          {"user", request}},
                                         true)
                   .c_str(),
               stdout);
    return 0;
  }
  const app::Model model(app::resolve_model_path(args.value("model")));
  const app::Tokens prompt = app::prompts::script_prompt(model, product, request);
  app::Context ctx(model, n_ctx);
  if (static_cast<int>(prompt.size()) >= ctx.n_ctx())
    throw app::AppError("the prompt has " + std::to_string(prompt.size()) + " tokens and does not fit the context of " +
                        std::to_string(ctx.n_ctx()) + "; pass a larger --ctx");
  app::progress("model " + model.path() + " (" + model.desc().architecture + ", " +
                (model.has_chat_template() ? "chat template" : "no chat template: plain-text prompt") + "); prompt " +
                std::to_string(prompt.size()) + " tokens, context " + std::to_string(ctx.n_ctx()));

  lf_generate_params gp = lf_generate_default_params();
  gp.max_new_tokens = max_tokens;
  gp.sampling.temperature = static_cast<float>(args.number("temp", 0.7, 0, 10));
  gp.sampling.top_p = static_cast<float>(args.number("top-p", 0.9, 0, 1));
  gp.sampling.repetition_penalty = static_cast<float>(args.number("repeat-penalty", 1.1, 0.01, 10));
  gp.sampling.penalty_last_n = 64;
  gp.sampling.seed = static_cast<uint64_t>(args.integer("seed", 1, 0, INT64_MAX));
  const char* stop[] = {app::prompts::kImEnd};
  if (model.has_chat_template()) {
    gp.stop = stop;
    gp.n_stop = 1;
  }
  if (!as_json) gp.on_text = stream_to_stdout;

  lf_generate_result result{};
  app::check_lf(lf_generate_tokens(ctx.get(), prompt.data(), static_cast<int32_t>(prompt.size()), &gp, &result),
                "generation failed");
  const std::string script(result.text, result.text_len);
  const int n_tokens = result.n_tokens;
  const double seconds = result.generate_seconds;
  const lf_stop_reason reason = result.stop_reason;
  lf_generate_result_free(&result);
  const double tps = seconds > 0 ? n_tokens / seconds : 0.0;

  if (as_json) {
    app::Json out;
    out["script"] = script;
    out["tokens"] = n_tokens;
    out["tokens_per_s"] = std::round(tps * 10) / 10;
    out["prompt_tokens"] = prompt.size();
    out["stop_reason"] = reason == LF_STOP_EOS || reason == LF_STOP_STRING ? "end"
                         : reason == LF_STOP_MAX_TOKENS                     ? "max_tokens"
                                                                            : "context_full";
    std::cout << app::dump_line(out) << std::endl;
  } else {
    std::fputc('\n', stdout);
    std::fflush(stdout);
  }
  char line[160];
  std::snprintf(line, sizeof line, "generated %d tokens in %.2f s (%.1f tokens/s)%s", n_tokens, seconds, tps,
                reason == LF_STOP_MAX_TOKENS     ? ", stopped at --max-tokens"
                : reason == LF_STOP_CONTEXT_FULL ? ", stopped: context full"
                                                 : "");
  app::progress(line);
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return app::run_app("script-gen", script_gen, argc, argv); }
