/* liveformer C API.
 *
 * A small, stable interface for C and other languages: opaque handles,
 * parameter structs obtained from lf_*_default_params() (so fields can be
 * added without breaking callers), and status codes instead of exceptions.
 *
 * Errors: every function returns an lf_status (or NULL / a sentinel) and
 * lf_last_error() gives a message for the calling thread's last failure.
 *
 * Threads: an lf_model is immutable after loading and may be shared by any
 * number of contexts on any number of threads. An lf_context (KV cache and
 * decoding state) must be used by one thread at a time.
 *
 * Strings are UTF-8. Buffers the library fills are sized by the caller;
 * when one is too small the call returns LF_ERR_BUFFER_TOO_SMALL and
 * reports the size needed.
 *
 * Compiles as C99 and as C++. See docs/c-api.md for a complete example. */
#ifndef LIVEFORMER_H
#define LIVEFORMER_H

#include <stddef.h>
#include <stdint.h>

#include "liveformer/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped when the C API changes incompatibly; see CHANGELOG.md. */
#define LF_API_VERSION 1

typedef int32_t lf_token;
typedef struct lf_model lf_model;
typedef struct lf_context lf_context;

typedef enum lf_status {
  LF_OK = 0,
  LF_ERR_INVALID_ARGUMENT = 1, /* NULL handle, bad size, bad option value */
  LF_ERR_IO = 2,               /* file missing or unreadable */
  LF_ERR_FORMAT = 3,           /* malformed or unsupported model file, bad input text */
  LF_ERR_UNSUPPORTED = 4,      /* a valid request this build or device cannot serve (e.g. device "cuda" without a GPU) */
  LF_ERR_CONTEXT_FULL = 5,     /* the tokens do not fit the context length */
  LF_ERR_BUFFER_TOO_SMALL = 6, /* the output buffer is too small; the size needed is reported */
  LF_ERR_OUT_OF_MEMORY = 7,
  LF_ERR_INTERNAL = 8,
  LF_ERR_BUSY = 9              /* a scheduler's queue is full or it is draining: try again later */
} lf_status;

/* The library's version string, e.g. "0.1.0". */
const char* lf_version(void);
/* Message for the calling thread's most recent failure ("" if none). */
const char* lf_last_error(void);
/* A short name for a status code. */
const char* lf_status_name(lf_status status);

/* ---- models ----------------------------------------------------------- */

typedef struct lf_model_params {
  /* "cpu" (default), "cuda" or "auto". "cuda" uploads the weights to the GPU
   * once (in lf_model_load) and each context keeps its KV cache there:
   * lf_generate / lf_generate_tokens (streaming included), lf_eval,
   * lf_context_logits, lf_score, lf_context_truncate, lf_context_fork (a
   * device copy of the cache) and lf_generate_batch / _cached (the prompts
   * one after another, not batched) run on the GPU; lf_embed returns
   * LF_ERR_UNSUPPORTED, as do kv_types other than LF_KV_F32 (see docs/cuda.md,
   * "Routing"). Without a usable GPU,
   * or in a build without the CUDA backend, loading returns
   * LF_ERR_UNSUPPORTED with the reason (the CUDA driver's own message).
   * "auto" is "cuda" where that would load, else "cpu". */
  const char* device;
  int32_t n_threads;   /* threads of each context made from this model; 0: all cores */
  int32_t check_finite; /* refuse weights holding NaN/Inf (default 1) */
  const char* quantize; /* NULL (default): matrices as stored; or convert them while
                           loading to "q8_0", "q4_0", "f16", "bf16" or "f32" */
} lf_model_params;

lf_model_params lf_model_default_params(void);

/* Loads a GGUF file or a Hugging Face model directory. */
lf_status lf_model_load(const char* path, const lf_model_params* params, lf_model** out);
void lf_model_free(lf_model* model);

typedef struct lf_model_desc {
  const char* architecture; /* "gpt2", "llama", "qwen2"; valid while the model lives */
  int32_t vocab_size;
  int32_t n_embd;
  int32_t n_layers;
  int32_t n_ctx_train;
  lf_token bos; /* -1 if none */
  lf_token eos; /* -1 if none */
} lf_model_desc;

lf_status lf_model_describe(const lf_model* model, lf_model_desc* out);
/* 1 if the model files carry a chat template liveformer recognises, else 0. */
int lf_model_has_chat_template(const lf_model* model);

/* ---- text <-> tokens -------------------------------------------------- */

/* Token ids of `text` (`len` bytes). add_special: BOS/EOS as the model
 * adds them; parse_special: recognise control tokens written in the text
 * (pass 0 for untrusted text). Writes up to `capacity` ids and sets
 * *n_tokens to the count (needed size on LF_ERR_BUFFER_TOO_SMALL). */
lf_status lf_tokenize(const lf_model* model, const char* text, size_t len, int add_special, int parse_special,
                      lf_token* tokens, int32_t capacity, int32_t* n_tokens);

/* Text of the tokens (bytes of a character split across tokens are kept
 * together; an incomplete trailing character becomes U+FFFD). Writes up
 * to `capacity` bytes (not NUL-terminated unless room remains) and sets
 * *n_bytes to the length (needed size on LF_ERR_BUFFER_TOO_SMALL). */
lf_status lf_detokenize(const lf_model* model, const lf_token* tokens, int32_t n_tokens, int skip_special,
                        char* text, size_t capacity, size_t* n_bytes);

/* ---- contexts ---------------------------------------------------------- */

typedef enum lf_kv_type { LF_KV_F32 = 0, LF_KV_F16 = 1, LF_KV_Q8_0 = 2, LF_KV_BF16 = 3 } lf_kv_type;

typedef struct lf_context_params {
  int32_t n_ctx;      /* context length in tokens; 0: min(trained context, 4096) */
  lf_kv_type kv_type; /* LF_KV_F32 (default); LF_KV_F16: half the memory, ~1e-3 relative rounding of K/V;
                         LF_KV_BF16: half the memory, f32's range, ~8e-3 relative rounding;
                         LF_KV_Q8_0: 0.27x the memory, ~4e-3 rounding, needs a head_dim that is a
                         multiple of 32 (else LF_ERR_INVALID_ARGUMENT) */
  int32_t n_threads;       /* threads for one-token steps; 0: the model's n_threads */
  int32_t n_threads_batch; /* threads for prompts and batches; 0: n_threads */
  int64_t kv_budget_bytes; /* refuse a KV cache larger than this; 0 (default): half of the
                              machine's memory; < 0: no limit. Host memory only: on device
                              cuda the cache is in GPU memory and the threads do not apply */
} lf_context_params;

lf_context_params lf_context_default_params(void);
lf_status lf_context_create(const lf_model* model, const lf_context_params* params, lf_context** out);
void lf_context_free(lf_context* ctx);

/* A new context holding a copy of `ctx`'s KV state: the prefix cache. Keep
 * a context that has evaluated a long shared prompt (a product description)
 * and fork it for each question, without recomputing the prompt. */
lf_status lf_context_fork(const lf_context* ctx, lf_context** out);
/* The context length in tokens (n_ctx after resolving 0), or -1 for NULL. */
int32_t lf_context_n_ctx(const lf_context* ctx);
/* Number of tokens whose keys and values the context holds. */
int32_t lf_context_n_tokens(const lf_context* ctx);
/* Keeps only the first n tokens of the context's state. */
lf_status lf_context_truncate(lf_context* ctx, int32_t n);

/* Appends tokens to the context (one forward pass) and keeps the logits
 * of the last one, readable with lf_context_logits. */
lf_status lf_eval(lf_context* ctx, const lf_token* tokens, int32_t n_tokens);
/* Logits (vocab_size floats) after the last lf_eval; NULL before any.
 * Valid until the next call on this context. */
const float* lf_context_logits(const lf_context* ctx);

/* ---- generation ------------------------------------------------------- */

typedef struct lf_sampling_params {
  float temperature; /* <= 0: greedy */
  int32_t top_k;     /* <= 0: off */
  float top_p;       /* >= 1: off */
  float min_p;       /* <= 0: off */
  float repetition_penalty;
  float presence_penalty;
  float frequency_penalty;
  int32_t penalty_last_n; /* 0: no penalties; -1: all history */
  uint64_t seed;
} lf_sampling_params;

lf_sampling_params lf_sampling_default_params(void);

/* Receives each piece of generated text (whole UTF-8 characters, not
 * NUL-terminated). Return non-zero to stop generating. */
typedef int (*lf_text_callback)(const char* piece, size_t len, void* user_data);

typedef enum lf_stop_reason {
  LF_STOP_MAX_TOKENS = 0,
  LF_STOP_EOS = 1,
  LF_STOP_STRING = 2,
  LF_STOP_CANCELLED = 3,
  LF_STOP_CONTEXT_FULL = 4
} lf_stop_reason;

typedef struct lf_generate_params {
  int32_t max_new_tokens;
  lf_sampling_params sampling;
  const char* const* stop; /* stop strings (never emitted), or NULL */
  int32_t n_stop;
  int32_t stop_at_eos;     /* default 1 */
  lf_text_callback on_text; /* may be NULL */
  void* user_data;
} lf_generate_params;

lf_generate_params lf_generate_default_params(void);

typedef struct lf_generate_result {
  char* text; /* NUL-terminated; owned by the result */
  size_t text_len;
  int32_t n_prompt_tokens;
  int32_t n_reused_tokens; /* prompt tokens found in the context's cache */
  int32_t n_tokens;        /* generated */
  lf_stop_reason stop_reason;
  double prompt_seconds;
  double generate_seconds;
} lf_generate_result;

/* Generates after `prompt` (the model's BOS rule applies; "" starts from
 * BOS). The context keeps the tokens it evaluated, so a later prompt with
 * the same beginning reuses them. Free the result with
 * lf_generate_result_free. */
lf_status lf_generate(lf_context* ctx, const char* prompt, const lf_generate_params* params, lf_generate_result* out);
/* The same, after the given prompt tokens. */
lf_status lf_generate_tokens(lf_context* ctx, const lf_token* prompt, int32_t n_prompt,
                             const lf_generate_params* params, lf_generate_result* out);
/* Several independent prompts generated together: one forward pass per step
 * for all unfinished sequences, which keeps the cores busier than one
 * sequence at a time. Each result equals what lf_generate_tokens gives for
 * that prompt alone in a fresh context (the forward pass is batch-invariant;
 * each sequence has its own seeded sampler). Uses scratch KV caches of
 * prompt + max_new_tokens positions each (at most the context's length);
 * the context's own cache is left as it was. Streaming is
 * not available here (params->on_text must be NULL). `results` has
 * n_prompts entries; free each with lf_generate_result_free. */
lf_status lf_generate_batch(lf_context* ctx, const lf_token* const* prompts, const int32_t* n_prompt_tokens,
                            int32_t n_prompts, const lf_generate_params* params, lf_generate_result* results);
/* lf_generate_batch that starts from the context's prefix cache: each
 * sequence gets its own copy of the K/V of the longest start it shares with
 * the tokens `ctx` holds (all but its last prompt token at most), and only
 * the rest of its prompt is evaluated, all sequences in one batch. Typical
 * use: lf_eval a long shared prompt (a product description) once, then
 * answer several questions, each prompt = that prompt + one question,
 * together. Each result equals lf_generate_tokens of that prompt on an
 * lf_context_fork of `ctx` (n_reused_tokens says how much was reused);
 * `ctx`'s own state is left as it was. Memory: one KV cache per sequence
 * of at most (prompt + max_new_tokens) positions. A prompt longer than the
 * context is LF_ERR_CONTEXT_FULL; other rules as for lf_generate_batch. */
lf_status lf_generate_batch_cached(lf_context* ctx, const lf_token* const* prompts, const int32_t* n_prompt_tokens,
                                   int32_t n_prompts, const lf_generate_params* params, lf_generate_result* results);
void lf_generate_result_free(lf_generate_result* result);

/* ---- continuous batching ---------------------------------------------- */

/* A scheduler shares one model among many requests: each step runs one
 * forward pass over every active sequence; a request submitted meanwhile
 * joins between steps and a finished one leaves. It runs on its own thread;
 * lf_scheduler_submit returns at once and the callbacks come from that
 * thread. A request's output does not depend on what runs beside it (greedy
 * and seeded sampling give what lf_generate_tokens gives alone). Evaluated
 * prompts are kept in a prefix cache (bounded by bytes, least recently used
 * out first), so requests that share a long prompt (a product description)
 * evaluate it once. All functions are thread-safe. */
typedef struct lf_scheduler lf_scheduler;

typedef struct lf_scheduler_params {
  int32_t n_slots;            /* sequences decoded together (default 4) */
  int32_t n_ctx;              /* context length of each slot; 0: min(trained context, 4096) */
  lf_kv_type kv_type;         /* each slot's KV cache (default LF_KV_F32) */
  int32_t n_threads;          /* threads of the forward pass; 0: one per core */
  int64_t prefix_cache_bytes; /* evaluated prompts kept for later requests (default 256 MiB; 0: none) */
  int32_t max_queue;          /* requests waiting for a slot (default 64); more get LF_ERR_BUSY */
  int32_t prefill_chunk;      /* prompt tokens per step (default 256): long prompts do not stall decoding */
} lf_scheduler_params;

lf_scheduler_params lf_scheduler_default_params(void);
/* CPU models only (LF_ERR_UNSUPPORTED on device cuda). All slots' caches are
 * allocated here (refused beyond half of the machine's memory). */
lf_status lf_scheduler_create(const lf_model* model, const lf_scheduler_params* params, lf_scheduler** out);
/* Cancels what is left (each request's on_done still comes) and frees. */
void lf_scheduler_free(lf_scheduler* scheduler);

/* Called once per request when it ends, on the scheduler's thread: status
 * LF_OK with its result (stop_reason LF_STOP_CANCELLED after a cancel or
 * its timeout), or an error status and message. `result` and `error` are
 * valid during the call only. Must not call lf_scheduler_drain or _free. */
typedef void (*lf_done_callback)(uint64_t request, lf_status status, const lf_generate_result* result,
                                 const char* error, void* user_data);

typedef struct lf_request_params {
  lf_generate_params generate; /* its on_text runs on the scheduler's thread; non-zero cancels */
  int64_t timeout_ms;          /* cancelled this long after submission, queued or running; 0: never */
  lf_done_callback on_done;    /* required */
  void* done_user_data;
} lf_request_params;

lf_request_params lf_request_default_params(void);
/* Queues a request after `prompt` (n_prompt >= 1 tokens; copied, as are the
 * stop strings) and writes its id. LF_ERR_BUSY: the queue is full or the
 * scheduler is draining; LF_ERR_CONTEXT_FULL: the prompt does not fit a
 * slot; LF_ERR_INVALID_ARGUMENT: a bad token id or parameter. On any error
 * on_done is not called. */
lf_status lf_scheduler_submit(lf_scheduler* scheduler, const lf_token* prompt, int32_t n_prompt,
                              const lf_request_params* params, uint64_t* out_id);
/* Ends a queued or running request (its on_done reports LF_STOP_CANCELLED);
 * an unknown or finished id is ignored. */
lf_status lf_scheduler_cancel(lf_scheduler* scheduler, uint64_t request);
/* Stops accepting requests, lets the others run for up to grace_ms, then
 * cancels what is left; returns when none is left. */
lf_status lf_scheduler_drain(lf_scheduler* scheduler, int64_t grace_ms);

typedef struct lf_scheduler_stats {
  int32_t n_slots, n_active, n_queued;
  int32_t n_ctx;                    /* each slot's context length */
  int64_t kv_bytes_allocated;       /* all slots' caches */
  int64_t kv_bytes_in_use;          /* positions filled in active slots */
  int64_t prefix_cache_bytes;
  uint64_t prefix_hits, prefix_misses, reused_tokens;
  uint64_t prefill_tokens, decode_tokens; /* evaluated by forward passes */
  double prefill_seconds, decode_seconds;
  uint64_t steps, completed, cancelled, failed, rejected;
} lf_scheduler_stats;

lf_status lf_scheduler_get_stats(const lf_scheduler* scheduler, lf_scheduler_stats* out);

/* ---- chat -------------------------------------------------------------- */

typedef struct lf_chat_message {
  const char* role; /* "system", "user", "assistant" */
  const char* content;
} lf_chat_message;

/* Renders messages with the model's chat template (format NULL) or a named
 * one ("chatml", "llama2", "zephyr"). With add_generation_prompt the text
 * ends where the assistant's answer begins. Writes as lf_detokenize does. */
lf_status lf_chat_apply_template(const lf_model* model, const char* format, const lf_chat_message* messages,
                                 size_t n_messages, int add_generation_prompt, char* text, size_t capacity,
                                 size_t* n_bytes);

/* Token ids of the rendered conversation; message text is never parsed
 * for control tokens (so user text cannot inject "<|im_end|>"). Writes as
 * lf_tokenize does. */
lf_status lf_chat_tokenize(const lf_model* model, const char* format, const lf_chat_message* messages,
                           size_t n_messages, int add_generation_prompt, lf_token* tokens, int32_t capacity,
                           int32_t* n_tokens);

/* ---- scoring and embeddings --------------------------------------------- */

/* Log-likelihoods of several continuations of one prefix (classification
 * by scoring label texts). The prefix is evaluated once (and kept in the
 * context's cache); the continuations run together in one batch.
 *   continuations[i] has continuation_lengths[i] tokens (>= 1);
 *   totals[i] receives the sum of its tokens' log-probabilities;
 *   per_token, if not NULL, receives every token's log-probability, the
 *   continuations one after another (sum of the lengths entries). */
lf_status lf_score(lf_context* ctx, const lf_token* prefix, int32_t n_prefix, const lf_token* const* continuations,
                   const int32_t* continuation_lengths, int32_t n_continuations, double* totals, double* per_token);

typedef enum lf_pooling { LF_POOL_MEAN = 0, LF_POOL_LAST = 1 } lf_pooling;

/* A pooled embedding of `tokens` (final hidden states after the output
 * norm, averaged or the last one): n_embd floats into `embedding`. Uses a
 * scratch cache; the context's own state is not changed. */
lf_status lf_embed(lf_context* ctx, const lf_token* tokens, int32_t n_tokens, lf_pooling pooling, float* embedding,
                   int32_t capacity);

#ifdef __cplusplus
}
#endif

#endif /* LIVEFORMER_H */
