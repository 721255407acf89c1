// live-qa: answers viewers' questions about one product, using only the
// liveformer C API. The product prompt is evaluated once into a base
// context; a lone question runs on a fork of it (lf_context_fork), and
// several waiting questions (--batch N) run together in one batched pass
// that starts every answer from the base context's cached prefix
// (lf_generate_batch_cached). Either way a question's latency does not
// depend on how long the product description is.
//
//   live-qa [--model PATH] [--questions FILE] [--batch N] PRODUCT.json
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <liveformer/liveformer.h>

#include "common/app_error.hpp"
#include "common/args.hpp"
#include "common/fact_sheet.hpp"
#include "common/json_input.hpp"
#include "common/model.hpp"
#include "common/product.hpp"
#include "common/prompts.hpp"
#include "common/grounded_answer.hpp"
#include "common/qa_grounding.hpp"
#include "common/utf8.hpp"
#include "live_qa/question_queue.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }
double round1(double x) { return std::round(x * 10) / 10; }

struct Settings {
  lf_generate_params params;
  bool prefix_cache = true;
};

// Answers one question on `ctx` (a fork of the product context, or a
// fresh context with --no-prefix-cache). Never throws: a failure becomes
// an "error" field, so one bad question does not end the session.
app::Json answer(const app::Model& model, const app::prompts::QaPrompt& qa, const Settings& s, app::Context* ctx,
                 std::int32_t n_ctx, const std::string& question) {
  app::Json out;
  out["question"] = question;
  const auto t0 = Clock::now();
  try {
    const app::Tokens prompt = qa.full(question);
    if (static_cast<std::int32_t>(prompt.size()) >= n_ctx)
      throw app::AppError("the question makes the prompt " + std::to_string(prompt.size()) +
                          " tokens, more than the context of " + std::to_string(n_ctx));
    std::optional<app::Context> fresh;
    if (!s.prefix_cache) fresh.emplace(model, n_ctx);
    lf_context* c = fresh ? fresh->get() : ctx->get();
    lf_generate_result r{};
    app::check_lf(lf_generate_tokens(c, prompt.data(), static_cast<int32_t>(prompt.size()), &s.params, &r),
                  "generation failed");
    out["answer"] = app::utf8::trim(std::string(r.text, r.text_len));
    out["latency_ms"] = round1(ms_since(t0));
    out["tokens"] = r.n_tokens;
    out["prompt_tokens"] = r.n_prompt_tokens;
    out["reused_tokens"] = r.n_reused_tokens;
    out["batch"] = 1;
    lf_generate_result_free(&r);
  } catch (const std::exception& e) {
    out["answer"] = "";
    out["latency_ms"] = round1(ms_since(t0));
    out["error"] = e.what();
  }
  return out;
}

// Answers several questions in one batched pass from `base`, which holds
// the evaluated product prompt: each answer starts from a copy of its
// cached K/V (with --no-prefix-cache, from scratch). Every answer is ready
// when the pass ends, so each reports the pass's latency. A question that
// cannot be asked gets an "error" field and the others go on.
std::vector<app::Json> answer_batch(const app::prompts::QaPrompt& qa, const Settings& s, app::Context& base,
                                    std::int32_t n_ctx, const std::vector<std::string>& questions) {
  const auto t0 = Clock::now();
  std::vector<app::Json> out(questions.size());
  std::vector<app::Tokens> prompts;
  std::vector<std::size_t> asked;  // index into `questions` of each prompt
  for (std::size_t i = 0; i < questions.size(); ++i) {
    out[i]["question"] = questions[i];
    try {
      app::Tokens prompt = qa.full(questions[i]);
      if (static_cast<std::int32_t>(prompt.size()) >= n_ctx)
        throw app::AppError("the question makes the prompt " + std::to_string(prompt.size()) +
                            " tokens, more than the context of " + std::to_string(n_ctx));
      prompts.push_back(std::move(prompt));
      asked.push_back(i);
    } catch (const std::exception& e) {
      out[i]["error"] = e.what();
    }
  }
  std::vector<const lf_token*> ptrs;
  std::vector<int32_t> lens;
  for (const app::Tokens& p : prompts) {
    ptrs.push_back(p.data());
    lens.push_back(static_cast<int32_t>(p.size()));
  }
  std::vector<lf_generate_result> rs(prompts.size());
  const auto n = static_cast<int32_t>(prompts.size());
  const lf_status status =
      n == 0 ? LF_OK
      : s.prefix_cache ? lf_generate_batch_cached(base.get(), ptrs.data(), lens.data(), n, &s.params, rs.data())
                       : lf_generate_batch(base.get(), ptrs.data(), lens.data(), n, &s.params, rs.data());
  const std::string failure = status == LF_OK ? "" : std::string("generation failed: ") + lf_last_error();
  const double latency = round1(ms_since(t0));
  for (std::size_t j = 0; j < asked.size(); ++j) {
    app::Json& o = out[asked[j]];
    if (status != LF_OK) {
      o["error"] = failure;
      continue;
    }
    const lf_generate_result& r = rs[j];
    o["answer"] = app::utf8::trim(std::string(r.text, r.text_len));
    o["latency_ms"] = latency;
    o["tokens"] = r.n_tokens;
    o["prompt_tokens"] = r.n_prompt_tokens;
    o["reused_tokens"] = r.n_reused_tokens;
    o["batch"] = n;
    lf_generate_result_free(&rs[j]);
  }
  for (app::Json& o : out)
    if (o.contains("error")) {
      o["answer"] = "";
      o["latency_ms"] = latency;
    }
  return out;
}

int run(int argc, char** argv) {
  app::Args args("live-qa [options] PRODUCT.json",
                 "Answers questions about the product in PRODUCT.json, read one per line from stdin (or\n"
                 "--questions FILE), writing one JSON line per question to stdout:\n"
                 "  {\"question\", \"answer\", \"decision\", \"facts\", \"source\", \"model_answer\", \"latency_ms\",\n"
                 "   \"tokens\", \"prompt_tokens\", \"reused_tokens\", \"batch\"}\n"
                 "Answers come from the product only: the model's answer is kept when it agrees with the\n"
                 "product's fields, otherwise a template answer from those fields is given. The product prompt\n"
                 "is evaluated once and reused (prefix cache) for every question.",
                 {{"model", "PATH", "GGUF file or HF directory (default: the demo model)"},
                  {"questions", "FILE", "read questions from FILE instead of stdin"},
                  {"batch", "N", "answer up to N waiting questions in one batched pass (default 1)"},
                  {"max-tokens", "N", "most tokens per answer (default 96)"},
                  {"temp", "T", "sampling temperature, 0 = greedy (default 0)"},
                  {"seed", "N", "sampling seed (default 1)"},
                  {"ctx", "N", "context length (default: the model's, at most 4096)"},
                  {"no-prefix-cache", "", "evaluate the whole prompt for every question (for comparison)"}});
  if (!args.parse(argc, argv, 1, 1)) return 0;
  const auto batch = static_cast<std::size_t>(args.integer("batch", 1, 1, 256));
  const int n_ctx_arg = static_cast<int>(args.integer("ctx", 0, 0, 1 << 20));
  Settings s;
  s.prefix_cache = !args.flag("no-prefix-cache");
  s.params = lf_generate_default_params();
  s.params.max_new_tokens = static_cast<int32_t>(args.integer("max-tokens", 96, 1, 1 << 20));
  s.params.sampling.temperature = static_cast<float>(args.number("temp", 0, 0, 10));
  s.params.sampling.seed = static_cast<uint64_t>(args.integer("seed", 1, 0, INT64_MAX));

  const app::Product product = app::load_product(args.positionals()[0]);
  const app::grounding::FactSheet facts(product);
  const std::string questions_path = args.value_or("questions", "-");
  if (questions_path == "-" && args.positionals()[0] == "-")
    throw app::AppError("the product and the questions cannot both come from stdin; pass --questions FILE", 2);
  auto input = app::open_input(questions_path);
  const app::Model model(app::resolve_model_path(args.value("model")));
  // The base context keeps just the product prompt: batched passes start
  // from it and leave it as it was; a lone question runs on `single`, a
  // fork that also keeps the previous question's tokens.
  app::Context base(model, n_ctx_arg);
  const std::int32_t n_ctx = base.n_ctx();
  const app::prompts::QaPrompt qa = app::prompts::fit_qa_prompt(model, product, n_ctx);
  // The plain-text format ends an answer at the end of its line.
  const char* stop_chat[] = {app::prompts::kImEnd};
  const char* stop_plain[] = {"\n"};
  s.params.stop = qa.chat() ? stop_chat : stop_plain;
  s.params.n_stop = 1;
  if (static_cast<std::int32_t>(qa.prefix().size()) + 8 >= n_ctx)
    throw app::AppError("the product prompt has " + std::to_string(qa.prefix().size()) +
                        " tokens and leaves no room for questions in the context of " + std::to_string(n_ctx) +
                        "; pass a larger --ctx");
  const auto t0 = Clock::now();
  base.eval(qa.prefix());
  const double prefix_ms = ms_since(t0);
  std::optional<app::Context> single;
  if (s.prefix_cache) single.emplace(base.fork());
  char line[256];
  std::snprintf(line, sizeof line,
                "model %s (%s); product prompt %zu tokens evaluated once in %.1f ms%s; context %d, batch %zu",
                model.path().c_str(), model.has_chat_template() ? "chat template" : "no chat template: plain-text prompt",
                qa.prefix().size(), prefix_ms, s.prefix_cache ? " and cached" : " (prefix cache off)", n_ctx, batch);
  const std::string ready = line;

  live_qa::QuestionQueue queue(std::move(input));
  std::size_t answered = 0, failed = 0, passes = 0;
  double total_ms = 0;
  for (;;) {
    const std::vector<std::string> questions = queue.take(batch);
    if (questions.empty()) break;
    if (answered == 0) app::progress(ready);  // not before: empty input must fail with one line
    ++passes;
    std::vector<app::Json> results =
        questions.size() == 1
            ? std::vector<app::Json>{answer(model, qa, s, single ? &*single : nullptr, n_ctx, questions[0])}
            : answer_batch(qa, s, base, n_ctx, questions);
    for (app::Json& r : results) {
      if (!r.contains("error")) {
        const auto tg = Clock::now();
        app::grounding::ground_answer(r, facts);
        r["latency_ms"] = round1(r["latency_ms"].get<double>() + ms_since(tg));
      }
      std::cout << app::dump_line(r) << '\n';
      ++answered;
      if (r.contains("error"))
        ++failed;
      else
        total_ms += r["latency_ms"].get<double>();
    }
    std::cout.flush();
  }
  if (answered == 0)
    throw app::AppError("no questions: " + std::string(questions_path == "-" ? "stdin" : questions_path) + " is empty");
  std::snprintf(line, sizeof line, "answered %zu questions (%zu failed) in %zu passes, mean latency %.1f ms", answered,
                failed, passes, answered > failed ? total_ms / static_cast<double>(answered - failed) : 0.0);
  app::progress(line);
  return failed == answered ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) { return app::run_app("live-qa", run, argc, argv); }
