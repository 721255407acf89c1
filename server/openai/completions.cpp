#include "openai/completions.hpp"

#include <chrono>
#include <ctime>
#include <memory>
#include <mutex>

#include <nlohmann/json.hpp>

#include "openai/api_error.hpp"
#include "openai/completion_request.hpp"

namespace lf::serve {

namespace {

using Json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// One request in flight. Owned by a shared_ptr that the scheduler's on_done
// releases; the callbacks run on the scheduler's thread.
struct Pending {
  Pending(ServeContext& c, http::Reply r) : ctx(c), reply(std::move(r)) {}
  ServeContext& ctx;
  http::Reply reply;
  std::shared_ptr<http::EventStream> events;  // stream: true
  CompletionRequest request;
  std::vector<const char*> stop_ptrs;
  std::string id, model;
  std::int64_t created = 0;
  Clock::time_point arrived, last_piece;
  bool first_piece = true;
  std::atomic<bool> gone{false};  // the client disconnected
  std::mutex mutex;               // callbacks wait for the handler to finish starting

  Json chunk(const Json& choice_delta, const Json& finish_reason) const {
    Json choice = {{"index", 0}, {"finish_reason", finish_reason}};
    if (request.chat) {
      choice["delta"] = choice_delta;
      choice["logprobs"] = nullptr;
    } else {
      choice["text"] = choice_delta.value("content", "");
      choice["logprobs"] = nullptr;
    }
    return {{"id", id},
            {"object", request.chat ? "chat.completion.chunk" : "text_completion"},
            {"created", created},
            {"model", model},
            {"system_fingerprint", "liveformer"},
            {"choices", Json::array({choice})}};
  }
};

const char* finish_reason(lf_stop_reason r) {
  switch (r) {
    case LF_STOP_EOS:
    case LF_STOP_STRING: return "stop";
    default: return "length";
  }
}

Json usage(const lf_generate_result& r) {
  return {{"prompt_tokens", r.n_prompt_tokens},
          {"completion_tokens", r.n_tokens},
          {"total_tokens", r.n_prompt_tokens + r.n_tokens},
          {"prompt_tokens_details", {{"cached_tokens", r.n_reused_tokens}}}};
}

int on_text(const char* piece, size_t len, void* user) {
  auto* p = static_cast<Pending*>(user);
  std::lock_guard<std::mutex> lock(p->mutex);
  const auto now = Clock::now();
  if (p->first_piece) {
    p->ctx.metrics.observe_ttft(std::chrono::duration<double>(now - p->arrived).count());
    p->first_piece = false;
  } else {
    p->ctx.metrics.observe_token_latency(std::chrono::duration<double>(now - p->last_piece).count());
  }
  p->last_piece = now;
  if (p->events) {
    if (!p->events->send(dump(p->chunk({{"content", std::string(piece, len)}}, nullptr)))) {
      p->gone = true;
      return 1;  // cancel: nobody reads this stream any more
    }
    return 0;
  }
  if (!p->reply.connected()) {
    p->gone = true;
    return 1;
  }
  return 0;
}

void on_done(uint64_t, lf_status status, const lf_generate_result* r, const char* error, void* user) {
  std::unique_ptr<std::shared_ptr<Pending>> holder(static_cast<std::shared_ptr<Pending>*>(user));
  Pending& p = **holder;
  std::lock_guard<std::mutex> lock(p.mutex);
  if (p.gone) return;  // the client left; its connection is closed
  // A request cancelled by us (not by its client) timed out or was cut by shutdown.
  std::optional<ApiError> failure;
  if (status != LF_OK)
    failure.emplace(500, std::string("generation failed: ") + (error ? error : ""));
  else if (r->stop_reason == LF_STOP_CANCELLED)
    failure = p.ctx.draining ? ApiError(503, "the server is shutting down")
                             : ApiError(504, "the request took longer than the server's limit of " +
                                                 std::to_string(p.ctx.settings.request_timeout_ms) + " ms");
  if (p.events) {
    if (failure) {
      p.events->send(error_body(failure->status, failure->what()));
    } else {
      p.events->send(dump(p.chunk(Json::object(), finish_reason(r->stop_reason))));
      if (p.request.include_usage) {
        Json u = p.chunk(Json::object(), nullptr);
        u["choices"] = Json::array();
        u["usage"] = usage(*r);
        p.events->send(dump(u));
      }
    }
    p.events->send("[DONE]");
    p.events->end();
    return;
  }
  if (failure) {
    p.reply.send(error_response(*failure));
    return;
  }
  const std::string text(r->text, r->text_len);
  Json choice = {{"index", 0}, {"finish_reason", finish_reason(r->stop_reason)}, {"logprobs", nullptr}};
  if (p.request.chat)
    choice["message"] = {{"role", "assistant"}, {"content", text}, {"refusal", nullptr}};
  else
    choice["text"] = p.request.echo ? p.request.prompt_text + text : text;
  const Json body = {{"id", p.id},
                     {"object", p.request.chat ? "chat.completion" : "text_completion"},
                     {"created", p.created},
                     {"model", p.model},
                     {"system_fingerprint", "liveformer"},
                     {"choices", Json::array({choice})},
                     {"usage", usage(*r)}};
  http::Response out;
  out.body = dump(body);
  p.reply.send(std::move(out));
}

}  // namespace

void handle_completion(ServeContext& ctx, const http::Request& request, http::Reply reply, bool chat) {
  if (ctx.draining) throw ApiError(503, "the server is shutting down");
  CompletionLimits limits;
  limits.n_ctx = ctx.engine.n_ctx();
  limits.default_max_tokens = ctx.settings.default_max_tokens;
  auto p = std::make_shared<Pending>(ctx, reply);
  p->request = parse_completion(request.body, chat, ctx.engine.model(), limits);
  p->arrived = Clock::now();
  p->id = random_id(chat ? "chatcmpl-" : "cmpl-");
  p->model = p->request.model.empty() ? ctx.engine.model_id() : p->request.model;
  p->created = static_cast<std::int64_t>(std::time(nullptr));

  lf_request_params rp = lf_request_default_params();
  rp.generate = generate_params(p->request, p->stop_ptrs);
  rp.generate.on_text = on_text;
  rp.generate.user_data = p.get();
  rp.timeout_ms = ctx.settings.request_timeout_ms;
  rp.on_done = on_done;
  auto holder = std::make_unique<std::shared_ptr<Pending>>(p);
  rp.done_user_data = holder.get();
  // The callbacks may start before submit returns: they wait on p->mutex,
  // held here until the stream (if any) has started, so that a full queue
  // can still be answered with a plain 429 rather than inside a stream.
  std::unique_lock<std::mutex> lock(p->mutex);
  uint64_t id = 0;
  const lf_status st = lf_scheduler_submit(ctx.engine.scheduler(), p->request.prompt.data(),
                                           static_cast<int32_t>(p->request.prompt.size()), &rp, &id);
  if (st != LF_OK) {
    const ApiError e = st == LF_ERR_BUSY && ctx.draining ? ApiError(503, "the server is shutting down")
                       : st == LF_ERR_BUSY               ? ApiError(429, "too many requests are waiting; retry shortly")
                       : st == LF_ERR_CONTEXT_FULL       ? ApiError(400, lf_last_error(), chat ? "messages" : "prompt")
                       : st == LF_ERR_INVALID_ARGUMENT   ? ApiError(400, lf_last_error())
                                                         : ApiError(500, lf_last_error());
    http::Response out = error_response(e);
    if (e.status == 429 || e.status == 503) out.headers.emplace_back("Retry-After", "1");
    reply.send(std::move(out));
    return;
  }
  if (p->request.stream) {
    p->events = reply.start_events();
    p->events->send(dump(p->chunk(chat ? Json{{"role", "assistant"}, {"content", ""}} : Json{{"content", ""}}, nullptr)));
  }
  holder.release();  // on_done owns it now
  if (p->events) {
    lf_scheduler* sched = ctx.engine.scheduler();
    std::weak_ptr<Pending> weak = p;
    p->events->on_disconnect([sched, id, weak] {
      if (auto q = weak.lock()) q->gone = true;
      lf_scheduler_cancel(sched, id);
    });
  }
}

}  // namespace lf::serve
