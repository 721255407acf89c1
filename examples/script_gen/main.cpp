// script-gen: a product JSON in, a live-stream host script out (streamed),
// using only the liveformer C API.
//
//   script-gen [--model PATH] [--json] PRODUCT.json
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>

#include <liveformer/liveformer.h>

#include "common/app_error.hpp"
#include "common/args.hpp"
#include "common/fact_sheet.hpp"
#include "common/json_input.hpp"
#include "common/model.hpp"
#include "common/product.hpp"
#include "common/prompts.hpp"
#include "common/script_builder.hpp"
#include "common/utf8.hpp"

namespace {

struct Draft {
  std::string text;
  int tokens = 0;
  double seconds = 0;
  lf_stop_reason reason = LF_STOP_EOS;
};

Draft generate_draft(app::Context& ctx, const app::Tokens& prompt, const lf_generate_params& gp) {
  lf_generate_result result{};
  app::check_lf(lf_generate_tokens(ctx.get(), prompt.data(), static_cast<int32_t>(prompt.size()), &gp, &result),
                "generation failed");
  Draft d{std::string(result.text, result.text_len), result.n_tokens, result.generate_seconds, result.stop_reason};
  lf_generate_result_free(&result);
  return d;
}

int script_gen(int argc, char** argv) {
  app::Args args("script-gen [options] PRODUCT.json",
                 "Writes a live-stream host script (opening, product introduction, selling points, price and\n"
                 "promotion, call to action) for the product described by PRODUCT.json ('-': stdin). The model\n"
                 "drafts it with slot references (【价格】) that are filled from the product; every sentence is\n"
                 "checked against the product and dropped if it states a fact the product does not have, and a\n"
                 "missing part is written from the product's own fields. Progress goes to stderr.",
                 {{"model", "PATH", "GGUF file or HF directory (default: the demo model)"},
                  {"json", "", "print one JSON line {script, facts, draft, dropped, ...} instead of the text"},
                  {"request", "TEXT", "the user turn (default: 为这个商品写一段直播口播。)"},
                  {"max-tokens", "N", "most tokens to generate (default 400)"},
                  {"temp", "T", "sampling temperature, 0 = greedy (default 0.7)"},
                  {"top-p", "P", "nucleus sampling (default 0.9)"},
                  {"repeat-penalty", "R", "repetition penalty (default 1.1)"},
                  {"seed", "N", "sampling seed (default 1)"},
                  {"retries", "N", "extra drafts (seeds seed+1..) when sentences were dropped, temp > 0 (default 2)"},
                  {"ctx", "N", "context length (default: the model's, at most 4096)"},
                  {"print-prompt", "", "print the prompt as ChatML text (prompts.py's chatml()) and exit; no model needed"}});
  if (!args.parse(argc, argv, 1, 1)) return 0;
  const bool as_json = args.flag("json");
  const int max_tokens = static_cast<int>(args.integer("max-tokens", 400, 1, 1 << 20));
  const int n_ctx = static_cast<int>(args.integer("ctx", 0, 0, 1 << 20));
  const int retries = static_cast<int>(args.integer("retries", 2, 0, 16));
  const std::string request = args.value_or("request", app::prompts::kDefaultScriptRequest);

  // Input first, so that bad input fails fast and before any progress line.
  const app::Product product = app::load_product(args.positionals()[0]);
  if (args.flag("print-prompt")) {
    std::fputs(app::prompts::chatml_text({{"system", std::string(app::prompts::kSystemScript) + "\n" +
                                                        app::render_product_slots(product)},
                                          {"user", request}},
                                         true)
                   .c_str(),
               stdout);
    return 0;
  }
  const app::grounding::FactSheet facts(product);
  const app::Model model(app::resolve_model_path(args.value("model")));
  app::Context ctx(model, n_ctx);
  const app::Tokens prompt = app::prompts::fit_script_prompt(model, product, request, ctx.n_ctx(), std::min(max_tokens, 160));
  app::progress("model " + model.path() + " (" + model.desc().architecture + ", " +
                (model.has_chat_template() ? "chat template" : "no chat template: plain-text prompt") + "); prompt " +
                std::to_string(prompt.size()) + " tokens, context " + std::to_string(ctx.n_ctx()));

  lf_generate_params gp = lf_generate_default_params();
  gp.max_new_tokens = max_tokens;
  gp.sampling.temperature = static_cast<float>(args.number("temp", 0.7, 0, 10));
  gp.sampling.top_p = static_cast<float>(args.number("top-p", 0.9, 0, 1));
  gp.sampling.repetition_penalty = static_cast<float>(args.number("repeat-penalty", 1.1, 0.01, 10));
  gp.sampling.penalty_last_n = 64;
  const auto seed = static_cast<uint64_t>(args.integer("seed", 1, 0, INT64_MAX));
  const char* stop[] = {app::prompts::kImEnd};
  if (model.has_chat_template()) {
    gp.stop = stop;
    gp.n_stop = 1;
  }

  // Drafts: the first with `seed`; while sentences get dropped and sampling
  // is random, up to `retries` more with the next seeds. The draft that
  // keeps the most of its own sentences wins (the first on a tie).
  Draft best;
  app::grounding::GroundedScript grounded;
  int tokens = 0, drafts = 0;
  double seconds = 0;
  for (int attempt = 0; attempt <= retries; ++attempt) {
    gp.sampling.seed = seed + static_cast<uint64_t>(attempt);
    Draft d = generate_draft(ctx, prompt, gp);
    tokens += d.tokens;
    seconds += d.seconds;
    ++drafts;
    app::grounding::GroundedScript g = app::grounding::build_script(d.text, facts, seed);
    if (attempt == 0 || g.model_sentences > grounded.model_sentences) {
      best = std::move(d);
      grounded = std::move(g);
    }
    if (grounded.dropped.empty() || gp.sampling.temperature == 0) break;
  }
  const double tps = seconds > 0 ? tokens / seconds : 0.0;

  if (as_json) {
    app::Json out;
    out["script"] = grounded.text;
    app::Json used = app::Json::array();
    for (const std::string& label : grounded.facts)
      if (const app::ProductLine* line = facts.find(label)) used.push_back({{"field", label}, {"value", line->value}});
    out["facts"] = used;
    out["draft"] = best.text;
    out["dropped"] = grounded.dropped;
    out["model_sentences"] = grounded.model_sentences;
    out["template_sentences"] = grounded.template_sentences;
    out["drafts"] = drafts;
    out["tokens"] = tokens;
    out["tokens_per_s"] = std::round(tps * 10) / 10;
    out["prompt_tokens"] = prompt.size();
    out["stop_reason"] = best.reason == LF_STOP_EOS || best.reason == LF_STOP_STRING ? "end"
                         : best.reason == LF_STOP_MAX_TOKENS                         ? "max_tokens"
                                                                                     : "context_full";
    std::cout << app::dump_line(out) << std::endl;
  } else {
    std::fputs(grounded.text.c_str(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
  }
  char line[200];
  std::snprintf(line, sizeof line,
                "generated %d tokens in %.2f s (%.1f tokens/s), %d draft(s); kept %d model sentences, dropped %zu, "
                "wrote %d from the product",
                tokens, seconds, tps, drafts, grounded.model_sentences, grounded.dropped.size(),
                grounded.template_sentences);
  app::progress(line);
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return app::run_app("script-gen", script_gen, argc, argv); }
