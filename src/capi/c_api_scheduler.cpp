// The C API's continuous batching (lf_scheduler_*) over lf::Scheduler.
// Callbacks into C are wrapped so that nothing thrown on the scheduler's
// thread reaches them, and nothing they do can throw into it.
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "c_api_internal.hpp"
#include "liveformer/runtime/scheduler.hpp"

struct lf_scheduler {
  explicit lf_scheduler(std::shared_ptr<const lf::Model> model, lf::SchedulerOptions o)
      : scheduler(std::move(model), o) {}
  lf::Scheduler scheduler;
};

using namespace lf::capi;

extern "C" {

lf_scheduler_params lf_scheduler_default_params(void) {
  const lf::SchedulerOptions d;
  lf_scheduler_params p;
  p.n_slots = d.slots;
  p.n_ctx = 0;
  p.kv_type = LF_KV_F32;
  p.n_threads = 0;
  p.prefix_cache_bytes = d.prefix_cache_bytes;
  p.max_queue = static_cast<int32_t>(d.max_queue);
  p.prefill_chunk = static_cast<int32_t>(d.prefill_chunk);
  return p;
}

lf_status lf_scheduler_create(const lf_model* model, const lf_scheduler_params* params, lf_scheduler** out) {
  return guarded(LF_ERR_INVALID_ARGUMENT, [&] {
    LF_REQUIRE(model && out, "lf_scheduler_create: NULL model or out");
    *out = nullptr;
    if (model->device)
      return fail(LF_ERR_UNSUPPORTED, "lf_scheduler_create: continuous batching runs on device cpu; load the model there");
    const lf_scheduler_params p = params ? *params : lf_scheduler_default_params();
    lf::DType kv = lf::DType::f32;
    LF_REQUIRE(kv_dtype(p.kv_type, kv), "lf_scheduler_create: unknown kv_type");
    LF_REQUIRE(p.n_threads >= 0 && p.n_threads <= 1024, "lf_scheduler_create: n_threads must be 0..1024");
    LF_REQUIRE(p.max_queue >= 0, "lf_scheduler_create: max_queue must not be negative");
    LF_REQUIRE(p.prefix_cache_bytes >= 0, "lf_scheduler_create: prefix_cache_bytes must not be negative");
    lf::SchedulerOptions o;
    o.slots = p.n_slots;
    o.context_length = p.n_ctx;
    o.kv_type = kv;
    const int threads = p.n_threads > 0 ? p.n_threads : model->n_threads;
    o.threads = {threads, threads};
    o.prefix_cache_bytes = p.prefix_cache_bytes;
    o.max_queue = static_cast<std::size_t>(p.max_queue);
    o.prefill_chunk = p.prefill_chunk;
    *out = new lf_scheduler(model->model, o);
    return LF_OK;
  });
}

void lf_scheduler_free(lf_scheduler* scheduler) {
  try {
    delete scheduler;
  } catch (...) {  // a destructor that joins a thread should not throw; never let it reach C
  }
}

lf_request_params lf_request_default_params(void) {
  lf_request_params p;
  p.generate = lf_generate_default_params();
  p.timeout_ms = 0;
  p.on_done = nullptr;
  p.done_user_data = nullptr;
  return p;
}

lf_status lf_scheduler_submit(lf_scheduler* scheduler, const lf_token* prompt, int32_t n_prompt,
                              const lf_request_params* params, uint64_t* out_id) {
  return guarded(LF_ERR_INVALID_ARGUMENT, [&] {
    LF_REQUIRE(scheduler && params && out_id, "lf_scheduler_submit: NULL scheduler, params or out_id");
    LF_REQUIRE(prompt && n_prompt > 0, "lf_scheduler_submit: the prompt needs at least one token");
    LF_REQUIRE(params->on_done, "lf_scheduler_submit: on_done is required");
    LF_REQUIRE(params->timeout_ms >= 0, "lf_scheduler_submit: timeout_ms must not be negative");
    lf::SchedulerRequest r;
    if (const lf_status s = to_options(&params->generate, r.options); s != LF_OK) return s;
    r.prompt.assign(prompt, prompt + n_prompt);
    if (params->timeout_ms > 0)
      r.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(params->timeout_ms);
    const lf_done_callback done = params->on_done;
    void* user = params->done_user_data;
    // Runs on the scheduler's thread, where nothing may throw into C.
    r.on_done = [done, user](std::uint64_t id, lf::GenerateResult result, const std::string& error) {
      lf_generate_result c{};
      std::string message = error;
      lf_status status = LF_OK;
      if (error.empty()) {
        try {
          status = fill_result(result, &c);
          if (status != LF_OK) message = "out of memory";
        } catch (...) {
          status = LF_ERR_OUT_OF_MEMORY;
          message = "out of memory";
        }
      } else {
        status = LF_ERR_INTERNAL;
      }
      done(id, status, status == LF_OK ? &c : nullptr, message.c_str(), user);
      if (status == LF_OK) lf_generate_result_free(&c);
    };
    *out_id = scheduler->scheduler.submit(std::move(r));
    return LF_OK;
  });
}

lf_status lf_scheduler_cancel(lf_scheduler* scheduler, uint64_t request) {
  return guarded(LF_ERR_INVALID_ARGUMENT, [&] {
    LF_REQUIRE(scheduler, "lf_scheduler_cancel: NULL scheduler");
    scheduler->scheduler.cancel(request);
    return LF_OK;
  });
}

lf_status lf_scheduler_drain(lf_scheduler* scheduler, int64_t grace_ms) {
  return guarded(LF_ERR_INVALID_ARGUMENT, [&] {
    LF_REQUIRE(scheduler && grace_ms >= 0, "lf_scheduler_drain: NULL scheduler or negative grace");
    scheduler->scheduler.drain(std::chrono::milliseconds(grace_ms));
    return LF_OK;
  });
}

lf_status lf_scheduler_get_stats(const lf_scheduler* scheduler, lf_scheduler_stats* out) {
  return guarded(LF_ERR_INVALID_ARGUMENT, [&] {
    LF_REQUIRE(scheduler && out, "lf_scheduler_get_stats: NULL scheduler or out");
    const lf::SchedulerStats s = scheduler->scheduler.stats();
    out->n_slots = s.slots;
    out->n_active = s.active;
    out->n_queued = static_cast<int32_t>(s.queued);
    out->n_ctx = static_cast<int32_t>(scheduler->scheduler.context_length());
    out->kv_bytes_allocated = s.kv_bytes_allocated;
    out->kv_bytes_in_use = s.kv_bytes_in_use;
    out->prefix_cache_bytes = s.prefix_cache_bytes;
    out->prefix_hits = s.prefix_hits;
    out->prefix_misses = s.prefix_misses;
    out->reused_tokens = s.reused_tokens;
    out->prefill_tokens = s.prefill_tokens;
    out->decode_tokens = s.decode_tokens;
    out->prefill_seconds = s.prefill_seconds;
    out->decode_seconds = s.decode_seconds;
    out->steps = s.steps;
    out->completed = s.completed;
    out->cancelled = s.cancelled;
    out->failed = s.failed;
    out->rejected = s.rejected;
    return LF_OK;
  });
}

}  // extern "C"
