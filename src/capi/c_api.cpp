// The C API (include/liveformer/liveformer.h) over the C++ runtime. Every
// entry point catches everything: no exception crosses into C.
#include "liveformer/liveformer.h"

#include <cstdlib>
#include <cstring>
#include <type_traits>
#include <functional>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "liveformer/formats/tokenizer_stream.hpp"
#include "liveformer/model/model.hpp"
#include "liveformer/runtime/accelerator.hpp"
#include "liveformer/runtime/chat_template.hpp"
#include "liveformer/runtime/device.hpp"
#include "liveformer/runtime/generator.hpp"
#include "c_api_internal.hpp"


struct lf_context {
  lf::Generator generator;
  bool has_logits = false;
};

namespace lf::capi {

thread_local std::string g_last_error;

void clear_last_error() { g_last_error.clear(); }

lf_status fail(lf_status status, const std::string& message) {
  g_last_error = message;
  return status;
}

}  // namespace lf::capi

namespace {

using namespace lf::capi;

lf::SamplingParams to_cpp(const lf_sampling_params& p) {
  lf::SamplingParams s;
  s.temperature = p.temperature;
  s.top_k = p.top_k;
  s.top_p = p.top_p;
  s.min_p = p.min_p;
  s.repetition_penalty = p.repetition_penalty;
  s.presence_penalty = p.presence_penalty;
  s.frequency_penalty = p.frequency_penalty;
  s.penalty_last_n = p.penalty_last_n;
  s.seed = p.seed;
  return s;
}

std::vector<lf::ChatMessage> to_cpp(const lf_chat_message* messages, size_t n) {
  std::vector<lf::ChatMessage> out;
  for (size_t i = 0; i < n; ++i) {
    if (!messages[i].role || !messages[i].content)
      throw lf::Error("chat: message " + std::to_string(i) + " has a NULL role or content");
    out.push_back({messages[i].role, messages[i].content});
  }
  return out;
}

lf_status copy_out(const std::string& s, char* text, size_t capacity, size_t* n_bytes) {
  *n_bytes = s.size();
  if (s.size() > capacity)
    return fail(LF_ERR_BUFFER_TOO_SMALL, "buffer of " + std::to_string(capacity) + " bytes is too small for " +
                                             std::to_string(s.size()));
  if (!s.empty()) std::memcpy(text, s.data(), s.size());
  if (s.size() < capacity) text[s.size()] = '\0';
  return LF_OK;
}

lf_status copy_out(const std::vector<std::int32_t>& ids, lf_token* tokens, int32_t capacity, int32_t* n_tokens) {
  if (ids.size() > static_cast<size_t>(INT32_MAX)) return fail(LF_ERR_INVALID_ARGUMENT, "too many tokens");
  *n_tokens = static_cast<int32_t>(ids.size());
  if (static_cast<int64_t>(ids.size()) > capacity)
    return fail(LF_ERR_BUFFER_TOO_SMALL, "room for " + std::to_string(capacity) + " tokens, " +
                                             std::to_string(ids.size()) + " needed");
  std::copy(ids.begin(), ids.end(), tokens);
  return LF_OK;
}

lf::ChatTemplate chat_template(const lf_model* model, const char* format) {
  return lf::ChatTemplate::resolve(model->model->info().chat_template, format ? format : "");
}

// A C caller may store any int in an enum (field or argument); loading it as
// the C++ enum type is undefined outside the enumerators' range (UBSan's
// -fsanitize=enum flags it), so enums from callers are read as integers.
template <class E>
int enum_value(const E& e) {
  std::underlying_type_t<E> v;
  std::memcpy(&v, &e, sizeof v);
  return static_cast<int>(v);
}

// "q8_0" -> "Q8_0": the spelling of the C enumerators (LF_KV_Q8_0).
std::string upper(std::string_view name) {
  std::string out(name);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

}  // namespace

bool lf::capi::kv_dtype(const lf_kv_type& type, lf::DType& out) {
  switch (enum_value(type)) {
    case LF_KV_F32: out = lf::DType::f32; return true;
    case LF_KV_F16: out = lf::DType::f16; return true;
    case LF_KV_Q8_0: out = lf::DType::q8_0; return true;
    case LF_KV_BF16: out = lf::DType::bf16; return true;
    default: return false;
  }
}

namespace {

lf_status run_generation(lf_context* ctx, const lf_generate_params* params, lf_generate_result* out,
                         const std::function<lf::GenerateResult(const lf::GenerateOptions&)>& generate) {
  lf::GenerateOptions opt;
  if (const lf_status s = to_options(params, opt); s != LF_OK) return s;
  const lf::GenerateResult r = generate(opt);
  ctx->has_logits = false;
  return fill_result(r, out);
}

// lf_generate_batch and lf_generate_batch_cached: the same checks and
// conversions around one of the generator's batched calls.
lf_status run_batch(const char* name, lf_context* ctx, const lf_token* const* prompts, const int32_t* n_prompt_tokens,
                    int32_t n_prompts, const lf_generate_params* params, lf_generate_result* results, bool from_cache) {
  // Everything inside guarded(): even building an error message may throw.
  return guarded(LF_ERR_INVALID_ARGUMENT, [&] {
    LF_REQUIRE(ctx && n_prompts >= 0 && (n_prompts == 0 || (prompts && n_prompt_tokens && results)),
               std::string(name) + ": NULL argument or negative count");
    for (int32_t i = 0; i < n_prompts; ++i) std::memset(&results[i], 0, sizeof results[i]);
    LF_REQUIRE(!params || !params->on_text, std::string(name) + ": streaming (on_text) is not available for batches");
    for (int32_t i = 0; i < n_prompts; ++i)
      LF_REQUIRE(prompts[i] && n_prompt_tokens[i] > 0,
                 std::string(name) + ": prompt " + std::to_string(i) + " is NULL or empty");
    lf::GenerateOptions opt;
    if (const lf_status s = to_options(params, opt); s != LF_OK) return s;
    std::vector<std::vector<std::int32_t>> ids;
    for (int32_t i = 0; i < n_prompts; ++i) ids.emplace_back(prompts[i], prompts[i] + n_prompt_tokens[i]);
    const std::vector<lf::GenerateResult> rs =
        from_cache ? ctx->generator.generate_batch_from_cache(ids, opt) : ctx->generator.generate_batch(ids, opt);
    for (int32_t i = 0; i < n_prompts; ++i) {
      if (const lf_status s = fill_result(rs[static_cast<std::size_t>(i)], &results[i]); s != LF_OK) {
        for (int32_t j = 0; j < i; ++j) lf_generate_result_free(&results[j]);
        return s;
      }
    }
    return LF_OK;
  });
}

}  // namespace

namespace lf::capi {

// lf_generate_params -> GenerateOptions (status != LF_OK on a bad field).
lf_status to_options(const lf_generate_params* params, lf::GenerateOptions& opt) {
  const lf_generate_params p = params ? *params : lf_generate_default_params();
  LF_REQUIRE(p.n_stop >= 0 && (p.n_stop == 0 || p.stop), "lf_generate: n_stop > 0 needs a stop array");
  opt.max_new_tokens = p.max_new_tokens;
  opt.sampling = to_cpp(p.sampling);
  for (int32_t i = 0; i < p.n_stop; ++i) {
    LF_REQUIRE(p.stop[i] != nullptr, "lf_generate: stop string " + std::to_string(i) + " is NULL");
    opt.stop.emplace_back(p.stop[i]);
  }
  opt.stop_at_eos = p.stop_at_eos != 0;
  if (p.on_text) {
    const lf_text_callback cb = p.on_text;
    void* user = p.user_data;
    opt.on_text = [cb, user](std::string_view piece) { return cb(piece.data(), piece.size(), user) == 0; };
  }
  return LF_OK;
}

lf_status fill_result(const lf::GenerateResult& r, lf_generate_result* out) {
  char* text = static_cast<char*>(std::malloc(r.text.size() + 1));
  if (!text) return fail(LF_ERR_OUT_OF_MEMORY, "out of memory");
  std::memcpy(text, r.text.data(), r.text.size());
  text[r.text.size()] = '\0';
  out->text = text;
  out->text_len = r.text.size();
  out->n_prompt_tokens = static_cast<int32_t>(r.prompt_tokens);
  out->n_reused_tokens = static_cast<int32_t>(r.reused_prompt_tokens);
  out->n_tokens = static_cast<int32_t>(r.tokens.size());
  out->stop_reason = static_cast<lf_stop_reason>(r.stop_reason);
  out->prompt_seconds = r.prompt_seconds;
  out->generate_seconds = r.generate_seconds;
  return LF_OK;
}

}  // namespace lf::capi

namespace {

}  // namespace

extern "C" {

const char* lf_version(void) { return LIVEFORMER_VERSION_STRING; }
const char* lf_last_error(void) { return g_last_error.c_str(); }

const char* lf_status_name(lf_status status) {
  switch (enum_value(status)) {  // any int may arrive from C
    case LF_OK: return "ok";
    case LF_ERR_INVALID_ARGUMENT: return "invalid argument";
    case LF_ERR_IO: return "i/o error";
    case LF_ERR_FORMAT: return "format error";
    case LF_ERR_UNSUPPORTED: return "unsupported";
    case LF_ERR_CONTEXT_FULL: return "context full";
    case LF_ERR_BUFFER_TOO_SMALL: return "buffer too small";
    case LF_ERR_OUT_OF_MEMORY: return "out of memory";
    case LF_ERR_INTERNAL: return "internal error";
    case LF_ERR_BUSY: return "busy";
  }
  return "unknown status";
}

lf_model_params lf_model_default_params(void) {
  lf_model_params p;
  p.device = "cpu";
  p.n_threads = 0;
  p.check_finite = 1;
  p.quantize = nullptr;
  return p;
}

lf_status lf_model_load(const char* path, const lf_model_params* params, lf_model** out) {
  LF_REQUIRE(out != nullptr, "lf_model_load: out is NULL");
  *out = nullptr;
  LF_REQUIRE(path != nullptr, "lf_model_load: path is NULL");
  const lf_model_params p = params ? *params : lf_model_default_params();
  return guarded(LF_ERR_FORMAT, [&] {
    const std::string device = p.device ? p.device : "cpu";
    const std::optional<lf::Device> requested = lf::device_from_name(device);
    LF_REQUIRE(requested.has_value(), "lf_model_load: unknown device '" + device + "' (cpu, cuda, auto)");
    // cuda without a usable backend: LF_ERR_UNSUPPORTED with the reason (the driver's own message).
    const lf::Device device_used = lf::resolve_device(*requested);
    LF_REQUIRE(p.n_threads >= 0, "lf_model_load: n_threads must be >= 0");
    lf::LoadOptions options;
    options.check_finite = p.check_finite != 0;
    if (p.quantize && *p.quantize) {
      const std::string q = p.quantize;
      options.quantize = lf::dtype_from_name(q);
      LF_REQUIRE(options.quantize.has_value(),
                 "lf_model_load: quantize must be NULL, \"q8_0\", \"q4_0\", \"f16\", \"bf16\" or \"f32\", got \"" + q + "\"");
    }
    auto handle = std::make_unique<lf_model>();
    handle->n_threads = p.n_threads;
    handle->model = std::make_shared<const lf::Model>(lf::Model::load(path, options));
    if (device_used == lf::Device::cuda) handle->device = lf::load_accelerator(handle->model);
    *out = handle.release();
    return LF_OK;
  });
}

void lf_model_free(lf_model* model) { delete model; }

lf_status lf_model_describe(const lf_model* model, lf_model_desc* out) {
  LF_REQUIRE(model && out, "lf_model_describe: NULL argument");
  const lf::ModelConfig& c = model->model->config();
  const lf::Vocabulary& v = model->model->tokenizer().vocabulary();
  out->architecture = lf::architecture_name(c.arch);
  out->vocab_size = static_cast<int32_t>(c.vocab_size);
  out->n_embd = static_cast<int32_t>(c.n_embd);
  out->n_layers = static_cast<int32_t>(c.n_layers);
  out->n_ctx_train = static_cast<int32_t>(c.n_ctx_train);
  out->bos = v.bos_id;
  const auto& eos = model->model->info().eos_ids;
  out->eos = eos.empty() ? -1 : eos.front();
  return LF_OK;
}

int lf_model_has_chat_template(const lf_model* model) {
  return model && lf::detect_chat_format(model->model->info().chat_template).has_value() ? 1 : 0;
}

lf_status lf_tokenize(const lf_model* model, const char* text, size_t len, int add_special, int parse_special,
                      lf_token* tokens, int32_t capacity, int32_t* n_tokens) {
  LF_REQUIRE(model && n_tokens && (text || len == 0) && (tokens || capacity == 0) && capacity >= 0,
             "lf_tokenize: NULL argument or negative capacity");
  return guarded(LF_ERR_FORMAT, [&] {
    const auto ids =
        model->model->tokenizer().encode(std::string_view(text ? text : "", len), add_special != 0, parse_special != 0);
    return copy_out(ids, tokens, capacity, n_tokens);
  });
}

lf_status lf_detokenize(const lf_model* model, const lf_token* tokens, int32_t n_tokens, int skip_special, char* text,
                        size_t capacity, size_t* n_bytes) {
  LF_REQUIRE(model && n_bytes && (tokens || n_tokens == 0) && n_tokens >= 0 && (text || capacity == 0),
             "lf_detokenize: NULL argument or negative count");
  return guarded(LF_ERR_INVALID_ARGUMENT, [&] {
    lf::StreamingDetokenizer detok(model->model->tokenizer(), skip_special != 0);
    std::string s;
    for (int32_t i = 0; i < n_tokens; ++i) s += detok.push(tokens[i]);
    s += detok.finish();
    return copy_out(s, text, capacity, n_bytes);
  });
}

lf_context_params lf_context_default_params(void) {
  lf_context_params p;
  p.n_ctx = 0;
  p.kv_type = LF_KV_F32;
  p.n_threads = 0;
  p.n_threads_batch = 0;
  p.kv_budget_bytes = 0;
  return p;
}

lf_status lf_context_create(const lf_model* model, const lf_context_params* params, lf_context** out) {
  LF_REQUIRE(out != nullptr, "lf_context_create: out is NULL");
  *out = nullptr;
  LF_REQUIRE(model != nullptr, "lf_context_create: model is NULL");
  const lf_context_params p = params ? *params : lf_context_default_params();
  LF_REQUIRE(p.n_ctx >= 0, "lf_context_create: n_ctx must be >= 0");
  LF_REQUIRE(p.n_threads >= 0 && p.n_threads_batch >= 0, "lf_context_create: n_threads and n_threads_batch must be >= 0");
  lf::DType kv = lf::DType::f32;
  LF_REQUIRE(kv_dtype(p.kv_type, kv), "lf_context_create: unknown kv_type " + std::to_string(enum_value(p.kv_type)));
  return guarded(LF_ERR_INVALID_ARGUMENT, [&] {
    const std::int64_t n_ctx = p.n_ctx > 0 ? p.n_ctx : std::min<std::int64_t>(model->model->config().n_ctx_train, 4096);
    const int threads = p.n_threads > 0 ? p.n_threads : model->n_threads;  // 0 stays 0: all cores
    const int threads_batch = p.n_threads_batch > 0 ? p.n_threads_batch : threads;
    if (model->device) {  // the KV cache lives in device memory; threads do not apply
      if (kv != lf::DType::f32)
        return fail(LF_ERR_UNSUPPORTED, "lf_context_create: kv_type LF_KV_" + upper(lf::dtype_name(kv)) +
                                            " is not available on device cuda (" +
                                            model->device->device_name() + "): its KV cache is f32");
      *out = new lf_context{lf::Generator(model->device, n_ctx)};
      return LF_OK;
    }
    lf::require_kv_budget(*model->model, n_ctx, kv, p.kv_budget_bytes);
    *out = new lf_context{lf::Generator(model->model, n_ctx, lf::ThreadCounts{threads, threads_batch}, kv)};
    return LF_OK;
  });
}

void lf_context_free(lf_context* ctx) { delete ctx; }

lf_status lf_context_fork(const lf_context* ctx, lf_context** out) {
  LF_REQUIRE(ctx && out, "lf_context_fork: NULL argument");
  *out = nullptr;
  return guarded(LF_ERR_INVALID_ARGUMENT, [&] {
    *out = new lf_context{ctx->generator.fork()};
    return LF_OK;
  });
}

int32_t lf_context_n_ctx(const lf_context* ctx) {
  return ctx ? static_cast<int32_t>(ctx->generator.context_length()) : -1;
}

int32_t lf_context_n_tokens(const lf_context* ctx) {
  return ctx ? static_cast<int32_t>(ctx->generator.cached_tokens().size()) : -1;
}

lf_status lf_context_truncate(lf_context* ctx, int32_t n) {
  LF_REQUIRE(ctx != nullptr, "lf_context_truncate: ctx is NULL");
  return guarded(LF_ERR_INVALID_ARGUMENT, [&] {
    ctx->generator.truncate(n);
    ctx->has_logits = false;
    return LF_OK;
  });
}

lf_status lf_eval(lf_context* ctx, const lf_token* tokens, int32_t n_tokens) {
  LF_REQUIRE(ctx && tokens && n_tokens > 0, "lf_eval: NULL argument or no tokens");
  return guarded(LF_ERR_INVALID_ARGUMENT, [&] {
    ctx->has_logits = false;
    ctx->generator.eval(std::span<const std::int32_t>(tokens, static_cast<size_t>(n_tokens)));
    ctx->has_logits = true;
    return LF_OK;
  });
}

const float* lf_context_logits(const lf_context* ctx) {
  if (!ctx || !ctx->has_logits) return nullptr;
  return ctx->generator.last_logits().data();
}

lf_sampling_params lf_sampling_default_params(void) {
  const lf::SamplingParams s;
  lf_sampling_params p;
  p.temperature = s.temperature;
  p.top_k = s.top_k;
  p.top_p = s.top_p;
  p.min_p = s.min_p;
  p.repetition_penalty = s.repetition_penalty;
  p.presence_penalty = s.presence_penalty;
  p.frequency_penalty = s.frequency_penalty;
  p.penalty_last_n = s.penalty_last_n;
  p.seed = s.seed;
  return p;
}

lf_generate_params lf_generate_default_params(void) {
  lf_generate_params p;
  p.max_new_tokens = 128;
  p.sampling = lf_sampling_default_params();
  p.stop = nullptr;
  p.n_stop = 0;
  p.stop_at_eos = 1;
  p.on_text = nullptr;
  p.user_data = nullptr;
  return p;
}

lf_status lf_generate(lf_context* ctx, const char* prompt, const lf_generate_params* params, lf_generate_result* out) {
  LF_REQUIRE(ctx && prompt && out, "lf_generate: NULL argument");
  std::memset(out, 0, sizeof *out);
  return guarded(LF_ERR_INVALID_ARGUMENT, [&] {
    return run_generation(ctx, params, out,
                          [&](const lf::GenerateOptions& o) { return ctx->generator.generate(std::string_view(prompt), o); });
  });
}

lf_status lf_generate_tokens(lf_context* ctx, const lf_token* prompt, int32_t n_prompt, const lf_generate_params* params,
                             lf_generate_result* out) {
  LF_REQUIRE(ctx && prompt && out && n_prompt > 0, "lf_generate_tokens: NULL argument or empty prompt");
  std::memset(out, 0, sizeof *out);
  return guarded(LF_ERR_INVALID_ARGUMENT, [&] {
    const std::span<const std::int32_t> ids(prompt, static_cast<size_t>(n_prompt));
    return run_generation(ctx, params, out, [&](const lf::GenerateOptions& o) { return ctx->generator.generate(ids, o); });
  });
}

lf_status lf_generate_batch(lf_context* ctx, const lf_token* const* prompts, const int32_t* n_prompt_tokens,
                            int32_t n_prompts, const lf_generate_params* params, lf_generate_result* results) {
  return run_batch("lf_generate_batch", ctx, prompts, n_prompt_tokens, n_prompts, params, results, false);
}

lf_status lf_generate_batch_cached(lf_context* ctx, const lf_token* const* prompts, const int32_t* n_prompt_tokens,
                                   int32_t n_prompts, const lf_generate_params* params, lf_generate_result* results) {
  return run_batch("lf_generate_batch_cached", ctx, prompts, n_prompt_tokens, n_prompts, params, results, true);
}

void lf_generate_result_free(lf_generate_result* result) {
  if (!result) return;
  std::free(result->text);
  result->text = nullptr;
  result->text_len = 0;
}

lf_status lf_chat_apply_template(const lf_model* model, const char* format, const lf_chat_message* messages,
                                 size_t n_messages, int add_generation_prompt, char* text, size_t capacity,
                                 size_t* n_bytes) {
  LF_REQUIRE(model && n_bytes && (messages || n_messages == 0) && (text || capacity == 0),
             "lf_chat_apply_template: NULL argument");
  return guarded(LF_ERR_INVALID_ARGUMENT, [&] {
    const std::string s = chat_template(model, format).render_text(to_cpp(messages, n_messages), add_generation_prompt != 0);
    return copy_out(s, text, capacity, n_bytes);
  });
}

lf_status lf_chat_tokenize(const lf_model* model, const char* format, const lf_chat_message* messages,
                           size_t n_messages, int add_generation_prompt, lf_token* tokens, int32_t capacity,
                           int32_t* n_tokens) {
  LF_REQUIRE(model && n_tokens && (messages || n_messages == 0) && (tokens || capacity == 0) && capacity >= 0,
             "lf_chat_tokenize: NULL argument");
  return guarded(LF_ERR_INVALID_ARGUMENT, [&] {
    const auto pieces = chat_template(model, format).render(to_cpp(messages, n_messages), add_generation_prompt != 0);
    return copy_out(lf::encode_chat(model->model->tokenizer(), pieces), tokens, capacity, n_tokens);
  });
}

lf_status lf_score(lf_context* ctx, const lf_token* prefix, int32_t n_prefix, const lf_token* const* continuations,
                   const int32_t* continuation_lengths, int32_t n_continuations, double* totals, double* per_token) {
  LF_REQUIRE(ctx && prefix && n_prefix > 0 && n_continuations >= 0 && totals &&
                 (n_continuations == 0 || (continuations && continuation_lengths)),
             "lf_score: NULL argument, empty prefix or negative count");
  return guarded(LF_ERR_INVALID_ARGUMENT, [&] {
    std::vector<std::vector<std::int32_t>> conts;
    for (int32_t i = 0; i < n_continuations; ++i) {
      LF_REQUIRE(continuations[i] && continuation_lengths[i] > 0,
                 "lf_score: continuation " + std::to_string(i) + " is NULL or empty");
      conts.emplace_back(continuations[i], continuations[i] + continuation_lengths[i]);
    }
    ctx->has_logits = false;
    const auto scores =
        ctx->generator.score_batch(std::span<const std::int32_t>(prefix, static_cast<size_t>(n_prefix)), conts);
    size_t at = 0;
    for (size_t i = 0; i < scores.size(); ++i) {
      double sum = 0;
      for (double lp : scores[i]) {
        sum += lp;
        if (per_token) per_token[at++] = lp;
      }
      totals[i] = sum;
    }
    return LF_OK;
  });
}

lf_status lf_embed(lf_context* ctx, const lf_token* tokens, int32_t n_tokens, lf_pooling pooling, float* embedding,
                   int32_t capacity) {
  LF_REQUIRE(ctx && tokens && n_tokens > 0 && embedding && capacity >= 0,
             "lf_embed: NULL argument, no tokens or negative capacity");
  const int pool = enum_value(pooling);
  LF_REQUIRE(pool == LF_POOL_MEAN || pool == LF_POOL_LAST, "lf_embed: unknown pooling " + std::to_string(pool));
  return guarded(LF_ERR_INVALID_ARGUMENT, [&] {
    const std::int64_t width = ctx->generator.model().config().n_embd;
    if (capacity < width)
      return fail(LF_ERR_BUFFER_TOO_SMALL, "lf_embed: room for " + std::to_string(capacity) + " floats, " +
                                               std::to_string(width) + " needed");
    const auto v = ctx->generator.embed(std::span<const std::int32_t>(tokens, static_cast<size_t>(n_tokens)),
                                        pool == LF_POOL_MEAN ? lf::Generator::Pooling::mean : lf::Generator::Pooling::last);
    std::copy(v.begin(), v.end(), embedding);
    return LF_OK;
  });
}

}  // extern "C"
