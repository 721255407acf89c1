/* The C API on hostile or careless calls, from plain C99: NULL handles and
 * strings, zero and negative lengths, size queries with NULL buffers,
 * out-of-range enums and ids, callbacks that cancel at once, frees of NULL
 * and repeated result frees, a context outliving its model. Every misuse
 * must come back as a status with a message, never a crash, and must leave
 * the context usable. Usage: test_c_api_robustness MODEL_DIR */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "liveformer/liveformer.h"

#include "expect.h"

/* The call returns `status` and lf_last_error() mentions `fragment`. */
#define EXPECT_FAIL(call, status, fragment)                   \
  do {                                                        \
    EXPECT((call) == (status));                               \
    EXPECT(strstr(lf_last_error(), (fragment)) != NULL);      \
  } while (0)

typedef struct {
  int calls;
  char first[64];
  size_t first_len;
} cancel_sink;

/* Cancels at the very first piece. */
static int cancel_at_once(const char* piece, size_t len, void* user) {
  cancel_sink* s = (cancel_sink*)user;
  if (s->calls++ == 0 && len < sizeof s->first) {
    memcpy(s->first, piece, len);
    s->first_len = len;
  }
  return 1;
}

static void test_without_model(void) {
  lf_model* m = NULL;
  lf_context* c = NULL;
  lf_model_desc desc;
  lf_generate_result r;
  int32_t n = 7;
  size_t nb = 7;
  lf_token t = 5;
  lf_chat_message msg;
  double total;
  float emb[4];

  /* Frees of NULL are no-ops. */
  lf_model_free(NULL);
  lf_context_free(NULL);
  lf_generate_result_free(NULL);

  /* NULL handles and out-pointers. */
  EXPECT_FAIL(lf_model_load(NULL, NULL, &m), LF_ERR_INVALID_ARGUMENT, "path is NULL");
  EXPECT_FAIL(lf_model_load("x.gguf", NULL, NULL), LF_ERR_INVALID_ARGUMENT, "out is NULL");
  EXPECT_FAIL(lf_model_load("", NULL, &m), LF_ERR_IO, "no such file");
  EXPECT(m == NULL);
  EXPECT_FAIL(lf_model_describe(NULL, &desc), LF_ERR_INVALID_ARGUMENT, "lf_model_describe");
  EXPECT(lf_model_has_chat_template(NULL) == 0);
  EXPECT_FAIL(lf_tokenize(NULL, "a", 1, 0, 0, &t, 1, &n), LF_ERR_INVALID_ARGUMENT, "lf_tokenize");
  EXPECT_FAIL(lf_detokenize(NULL, &t, 1, 0, NULL, 0, &nb), LF_ERR_INVALID_ARGUMENT, "lf_detokenize");
  EXPECT_FAIL(lf_context_create(NULL, NULL, &c), LF_ERR_INVALID_ARGUMENT, "model is NULL");
  EXPECT(c == NULL);
  EXPECT_FAIL(lf_context_fork(NULL, &c), LF_ERR_INVALID_ARGUMENT, "lf_context_fork");
  EXPECT(lf_context_n_ctx(NULL) == -1);
  EXPECT(lf_context_n_tokens(NULL) == -1);
  EXPECT_FAIL(lf_context_truncate(NULL, 0), LF_ERR_INVALID_ARGUMENT, "ctx is NULL");
  EXPECT_FAIL(lf_eval(NULL, &t, 1), LF_ERR_INVALID_ARGUMENT, "lf_eval");
  EXPECT(lf_context_logits(NULL) == NULL);
  EXPECT_FAIL(lf_generate(NULL, "hi", NULL, &r), LF_ERR_INVALID_ARGUMENT, "lf_generate");
  EXPECT_FAIL(lf_generate_tokens(NULL, &t, 1, NULL, &r), LF_ERR_INVALID_ARGUMENT, "lf_generate_tokens");
  EXPECT_FAIL(lf_generate_batch(NULL, NULL, NULL, 0, NULL, NULL), LF_ERR_INVALID_ARGUMENT, "lf_generate_batch");
  msg.role = "user";
  msg.content = "hi";
  EXPECT_FAIL(lf_chat_apply_template(NULL, "chatml", &msg, 1, 1, NULL, 0, &nb), LF_ERR_INVALID_ARGUMENT,
              "lf_chat_apply_template");
  EXPECT_FAIL(lf_chat_tokenize(NULL, "chatml", &msg, 1, 1, NULL, 0, &n), LF_ERR_INVALID_ARGUMENT, "lf_chat_tokenize");
  EXPECT_FAIL(lf_score(NULL, &t, 1, NULL, NULL, 0, &total, NULL), LF_ERR_INVALID_ARGUMENT, "lf_score");
  EXPECT_FAIL(lf_embed(NULL, &t, 1, LF_POOL_MEAN, emb, 4), LF_ERR_INVALID_ARGUMENT, "lf_embed");

  /* Status names, including values no enumerator has. */
  EXPECT(strcmp(lf_status_name(LF_OK), "ok") == 0);
  EXPECT(strcmp(lf_status_name((lf_status)99), "unknown status") == 0);
  EXPECT(strcmp(lf_status_name((lf_status)-1), "unknown status") == 0);
}

static void test_load_params(const char* dir) {
  lf_model* m = NULL;
  lf_model_params mp = lf_model_default_params();
  mp.device = "tpu";
  EXPECT_FAIL(lf_model_load(dir, &mp, &m), LF_ERR_INVALID_ARGUMENT, "unknown device 'tpu'");
  mp.device = NULL; /* NULL means the default, cpu */
  mp.n_threads = -3;
  EXPECT_FAIL(lf_model_load(dir, &mp, &m), LF_ERR_INVALID_ARGUMENT, "n_threads must be >= 0");
  EXPECT(m == NULL);
  mp.n_threads = 0;
  mp.quantize = ""; /* empty means as stored */
  mp.check_finite = 7; /* any non-zero value means yes */
  EXPECT(lf_model_load(dir, &mp, &m) == LF_OK);
  lf_model_free(m);
}

static void test_with_model(const char* dir) {
  lf_model* model = NULL;
  lf_context* ctx = NULL;
  lf_context* other = NULL;
  lf_context_params cp = lf_context_default_params();
  lf_generate_params gp = lf_generate_default_params();
  lf_generate_result r, r2;
  lf_model_desc desc;
  lf_token ids[64];
  int32_t n = -1, n_prompt = 0;
  size_t nb = 0;
  char text[512];
  cancel_sink sink;
  const char* stops[2];

  if (lf_model_load(dir, NULL, &model) != LF_OK) {
    fprintf(stderr, "cannot load %s: %s\n", dir, lf_last_error());
    ++failures;
    return;
  }
  EXPECT_FAIL(lf_model_describe(model, NULL), LF_ERR_INVALID_ARGUMENT, "lf_model_describe");
  EXPECT(lf_model_describe(model, &desc) == LF_OK);

  /* Tokenize: empty text, NULL text of length 0, size queries, bad lengths. */
  EXPECT(lf_tokenize(model, "", 0, 0, 0, ids, 64, &n) == LF_OK && n == 0);
  n = -1;
  EXPECT(lf_tokenize(model, NULL, 0, 0, 0, NULL, 0, &n) == LF_OK && n == 0);
  EXPECT_FAIL(lf_tokenize(model, NULL, 3, 0, 0, ids, 64, &n), LF_ERR_INVALID_ARGUMENT, "lf_tokenize");
  EXPECT_FAIL(lf_tokenize(model, "abc", 3, 0, 0, NULL, 4, &n), LF_ERR_INVALID_ARGUMENT, "lf_tokenize");
  EXPECT_FAIL(lf_tokenize(model, "abc", 3, 0, 0, ids, -1, &n), LF_ERR_INVALID_ARGUMENT, "negative capacity");
  EXPECT_FAIL(lf_tokenize(model, "abc", 3, 0, 0, ids, 64, NULL), LF_ERR_INVALID_ARGUMENT, "lf_tokenize");
  EXPECT(lf_tokenize(model, "hello there", 11, 0, 0, NULL, 0, &n) == LF_ERR_BUFFER_TOO_SMALL); /* size query */
  EXPECT(n > 1);
  EXPECT(lf_tokenize(model, "hello there", 11, 0, 0, ids, 64, &n_prompt) == LF_OK && n_prompt == n);
  /* Text with an embedded NUL is taken by its length. */
  EXPECT(lf_tokenize(model, "a\0b", 3, 0, 0, ids + 32, 32, &n) == LF_OK && n >= 2);

  /* Detokenize: zero tokens, size queries, ids outside the vocabulary. */
  EXPECT(lf_detokenize(model, NULL, 0, 0, text, sizeof text, &nb) == LF_OK && nb == 0);
  EXPECT(lf_detokenize(model, ids, n_prompt, 0, NULL, 0, &nb) == LF_ERR_BUFFER_TOO_SMALL && nb == 11);
  EXPECT_FAIL(lf_detokenize(model, ids, -1, 0, text, sizeof text, &nb), LF_ERR_INVALID_ARGUMENT, "negative count");
  {
    lf_token bad[2];
    bad[0] = ids[0];
    bad[1] = desc.vocab_size; /* one past the end */
    EXPECT_FAIL(lf_detokenize(model, bad, 2, 0, text, sizeof text, &nb), LF_ERR_INVALID_ARGUMENT, "out of range");
    bad[1] = -5;
    EXPECT(lf_detokenize(model, bad, 2, 0, text, sizeof text, &nb) == LF_ERR_INVALID_ARGUMENT);
  }

  /* Contexts: bad sizes and enums; then one that works. */
  cp.n_ctx = -1;
  EXPECT_FAIL(lf_context_create(model, &cp, &ctx), LF_ERR_INVALID_ARGUMENT, "n_ctx must be >= 0");
  cp.n_ctx = 32;
  cp.n_threads_batch = -2;
  EXPECT_FAIL(lf_context_create(model, &cp, &ctx), LF_ERR_INVALID_ARGUMENT, "n_threads_batch");
  cp.n_threads_batch = 0;
  cp.n_threads = 2147483647; /* would try to start that many threads */
  EXPECT_FAIL(lf_context_create(model, &cp, &ctx), LF_ERR_INVALID_ARGUMENT, "over the limit of 1024");
  cp.n_threads = 0;
  cp.kv_type = (lf_kv_type)-4;
  EXPECT_FAIL(lf_context_create(model, &cp, &ctx), LF_ERR_INVALID_ARGUMENT, "unknown kv_type -4");
  cp.kv_type = LF_KV_F32;
  EXPECT_FAIL(lf_context_create(model, &cp, NULL), LF_ERR_INVALID_ARGUMENT, "out is NULL");
  EXPECT(lf_context_create(model, NULL, &ctx) == LF_OK); /* NULL params: the defaults */
  lf_context_free(ctx);
  ctx = NULL;
  EXPECT(lf_context_create(model, &cp, &ctx) == LF_OK);
  EXPECT_FAIL(lf_context_fork(ctx, NULL), LF_ERR_INVALID_ARGUMENT, "lf_context_fork");
  EXPECT(lf_context_logits(ctx) == NULL); /* nothing evaluated yet */

  /* Eval: no tokens, NULL tokens, ids outside the vocabulary leave the context as it was. */
  EXPECT_FAIL(lf_eval(ctx, ids, 0), LF_ERR_INVALID_ARGUMENT, "no tokens");
  EXPECT_FAIL(lf_eval(ctx, NULL, 3), LF_ERR_INVALID_ARGUMENT, "lf_eval");
  EXPECT(lf_eval(ctx, ids, 2) == LF_OK && lf_context_n_tokens(ctx) == 2);
  {
    lf_token bad[2];
    bad[0] = ids[2];
    bad[1] = desc.vocab_size + 1000;
    EXPECT_FAIL(lf_eval(ctx, bad, 2), LF_ERR_INVALID_ARGUMENT, "outside the vocabulary");
    EXPECT(lf_context_n_tokens(ctx) == 2);
    EXPECT(lf_context_logits(ctx) == NULL); /* the failed call's logits are not offered */
  }
  EXPECT_FAIL(lf_context_truncate(ctx, -1), LF_ERR_INVALID_ARGUMENT, "cannot keep -1 of 2");
  EXPECT_FAIL(lf_context_truncate(ctx, 3), LF_ERR_INVALID_ARGUMENT, "cannot keep 3 of 2");
  EXPECT(lf_context_n_tokens(ctx) == 2);
  EXPECT(lf_context_truncate(ctx, 0) == LF_OK && lf_context_n_tokens(ctx) == 0);

  /* Generation: NULL prompt / out, empty token prompts, bad stop lists, bad sampling. */
  gp.max_new_tokens = 6;
  gp.sampling.temperature = 0;
  gp.stop_at_eos = 0;
  EXPECT_FAIL(lf_generate(ctx, NULL, &gp, &r), LF_ERR_INVALID_ARGUMENT, "lf_generate");
  EXPECT_FAIL(lf_generate(ctx, "hi", &gp, NULL), LF_ERR_INVALID_ARGUMENT, "lf_generate");
  EXPECT_FAIL(lf_generate_tokens(ctx, ids, 0, &gp, &r), LF_ERR_INVALID_ARGUMENT, "empty prompt");
  EXPECT_FAIL(lf_generate_tokens(ctx, NULL, 2, &gp, &r), LF_ERR_INVALID_ARGUMENT, "lf_generate_tokens");
  gp.n_stop = 1;
  gp.stop = NULL;
  EXPECT_FAIL(lf_generate(ctx, "hi", &gp, &r), LF_ERR_INVALID_ARGUMENT, "n_stop > 0 needs a stop array");
  stops[0] = "x";
  stops[1] = NULL;
  gp.stop = stops;
  gp.n_stop = 2;
  EXPECT_FAIL(lf_generate(ctx, "hi", &gp, &r), LF_ERR_INVALID_ARGUMENT, "stop string 1 is NULL");
  stops[1] = "";
  EXPECT_FAIL(lf_generate(ctx, "hi", &gp, &r), LF_ERR_INVALID_ARGUMENT, "stop strings must not be empty");
  gp.n_stop = -1;
  EXPECT(lf_generate(ctx, "hi", &gp, &r) == LF_ERR_INVALID_ARGUMENT);
  gp.n_stop = 0;
  gp.stop = NULL;
  gp.sampling.temperature = (float)NAN;
  EXPECT_FAIL(lf_generate(ctx, "hi", &gp, &r), LF_ERR_INVALID_ARGUMENT, "temperature must be finite");
  gp.sampling.temperature = 0.8f;
  gp.sampling.top_p = -1;
  EXPECT_FAIL(lf_generate(ctx, "hi", &gp, &r), LF_ERR_INVALID_ARGUMENT, "top_p must be positive");
  gp.sampling.top_p = 1;
  gp.sampling.min_p = 2;
  EXPECT_FAIL(lf_generate(ctx, "hi", &gp, &r), LF_ERR_INVALID_ARGUMENT, "min_p must be in [0, 1]");
  /* Every number is checked for finiteness (a NaN penalty once reached a sort). */
  gp.sampling = lf_sampling_default_params();
  gp.sampling.presence_penalty = (float)NAN;
  EXPECT_FAIL(lf_generate(ctx, "hi", &gp, &r), LF_ERR_INVALID_ARGUMENT, "presence_penalty must be finite");
  gp.sampling.presence_penalty = 0;
  gp.sampling.frequency_penalty = (float)NAN;
  EXPECT_FAIL(lf_generate(ctx, "hi", &gp, &r), LF_ERR_INVALID_ARGUMENT, "frequency_penalty must be finite");
  gp.sampling.frequency_penalty = (float)INFINITY;
  EXPECT_FAIL(lf_generate_tokens(ctx, ids, 2, &gp, &r), LF_ERR_INVALID_ARGUMENT, "frequency_penalty must be finite");
  gp.sampling.frequency_penalty = 0;
  gp.sampling.repetition_penalty = (float)INFINITY;
  EXPECT_FAIL(lf_generate(ctx, "hi", &gp, &r), LF_ERR_INVALID_ARGUMENT, "repetition_penalty must be finite");
  gp.sampling = lf_sampling_default_params();
  gp.sampling.temperature = 0;
  {
    lf_token bad[1];
    const lf_token* conts[1];
    int32_t lens[1];
    double totals[1];
    bad[0] = desc.vocab_size;
    conts[0] = bad;
    lens[0] = 1;
    EXPECT_FAIL(lf_generate_tokens(ctx, bad, 1, &gp, &r), LF_ERR_INVALID_ARGUMENT, "outside the vocabulary");
    EXPECT_FAIL(lf_score(ctx, ids, 2, conts, lens, 1, totals, NULL), LF_ERR_INVALID_ARGUMENT, "outside the vocabulary");
  }

  /* max_new_tokens 0 (or negative): only the prompt is evaluated. */
  gp.max_new_tokens = 0;
  EXPECT(lf_generate(ctx, "hello there", &gp, &r) == LF_OK);
  EXPECT(r.n_tokens == 0 && r.text_len == 0 && r.text != NULL && r.text[0] == '\0');
  lf_generate_result_free(&r);
  gp.max_new_tokens = -5;
  EXPECT(lf_generate(ctx, "hello there", &gp, &r) == LF_OK && r.n_tokens == 0);
  lf_generate_result_free(&r);
  lf_generate_result_free(&r); /* a second free of a result is harmless: text was set to NULL */
  EXPECT(r.text == NULL && r.text_len == 0);

  /* A callback that cancels at its first piece: one piece streamed, the
   * result holds exactly it, and the context goes on working. */
  gp.max_new_tokens = 6;
  memset(&sink, 0, sizeof sink);
  gp.on_text = cancel_at_once;
  gp.user_data = &sink;
  EXPECT(lf_generate(ctx, "hello there", &gp, &r) == LF_OK);
  EXPECT(r.stop_reason == LF_STOP_CANCELLED);
  EXPECT(sink.calls == 1);
  EXPECT(r.text_len == sink.first_len && memcmp(r.text, sink.first, r.text_len) == 0);
  lf_generate_result_free(&r);
  gp.on_text = NULL;
  gp.user_data = NULL;
  EXPECT(lf_generate(ctx, "hello there", &gp, &r) == LF_OK && r.n_tokens == 6);
  /* ... and what it generates equals a fresh context's text. */
  EXPECT(lf_context_create(model, &cp, &other) == LF_OK);
  EXPECT(lf_generate(other, "hello there", &gp, &r2) == LF_OK);
  EXPECT(r.text_len == r2.text_len && strcmp(r.text, r2.text) == 0);
  lf_generate_result_free(&r);
  lf_generate_result_free(&r2);

  /* Batches: NULL arrays with a count, a NULL prompt, negative counts. */
  {
    const lf_token* prompts[2];
    int32_t lens[2];
    lf_generate_result rs[2];
    prompts[0] = ids;
    prompts[1] = NULL;
    lens[0] = 2;
    lens[1] = 2;
    EXPECT_FAIL(lf_generate_batch(ctx, prompts, lens, 2, &gp, NULL), LF_ERR_INVALID_ARGUMENT, "lf_generate_batch");
    EXPECT_FAIL(lf_generate_batch(ctx, prompts, lens, 2, &gp, rs), LF_ERR_INVALID_ARGUMENT, "prompt 1 is NULL");
    EXPECT_FAIL(lf_generate_batch(ctx, prompts, lens, -1, &gp, rs), LF_ERR_INVALID_ARGUMENT, "negative count");
  }

  /* Chat: NULL messages with a count, a NULL role or content, no messages. */
  {
    lf_chat_message msgs[2];
    msgs[0].role = "user";
    msgs[0].content = "hi";
    msgs[1].role = NULL;
    msgs[1].content = "x";
    EXPECT_FAIL(lf_chat_apply_template(model, "chatml", NULL, 2, 1, text, sizeof text, &nb), LF_ERR_INVALID_ARGUMENT,
                "lf_chat_apply_template");
    EXPECT_FAIL(lf_chat_apply_template(model, "chatml", msgs, 2, 1, text, sizeof text, &nb), LF_ERR_INVALID_ARGUMENT,
                "message 1 has a NULL role or content");
    msgs[1].role = "assistant";
    msgs[1].content = NULL;
    EXPECT_FAIL(lf_chat_tokenize(model, "chatml", msgs, 2, 1, ids, 64, &n), LF_ERR_INVALID_ARGUMENT,
                "message 1 has a NULL role or content");
    EXPECT(lf_chat_apply_template(model, "chatml", NULL, 0, 1, text, sizeof text, &nb) == LF_OK);
    EXPECT(strcmp(text, "<|im_start|>assistant\n") == 0);
    EXPECT(lf_chat_apply_template(model, "chatml", msgs, 1, 0, NULL, 0, &nb) == LF_ERR_BUFFER_TOO_SMALL);
    EXPECT(nb == strlen("<|im_start|>user\nhi<|im_end|>\n"));
    EXPECT(lf_chat_tokenize(model, "chatml", msgs, 1, 1, NULL, 0, &n) == LF_ERR_BUFFER_TOO_SMALL && n > 0);
    EXPECT_FAIL(lf_chat_tokenize(model, "chatml", msgs, 1, 1, ids, -1, &n), LF_ERR_INVALID_ARGUMENT, "lf_chat_tokenize");
  }

  /* Scoring: empty prefix, NULL continuations with a count, empty continuation. */
  {
    const lf_token* conts[1];
    int32_t lens[1];
    double totals[1];
    conts[0] = ids;
    lens[0] = 0;
    EXPECT_FAIL(lf_score(ctx, ids, 0, conts, lens, 1, totals, NULL), LF_ERR_INVALID_ARGUMENT, "empty prefix");
    EXPECT_FAIL(lf_score(ctx, ids, 2, NULL, NULL, 1, totals, NULL), LF_ERR_INVALID_ARGUMENT, "lf_score");
    EXPECT_FAIL(lf_score(ctx, ids, 2, conts, lens, 1, totals, NULL), LF_ERR_INVALID_ARGUMENT, "continuation 0 is NULL or empty");
    EXPECT_FAIL(lf_score(ctx, ids, 2, conts, lens, 1, NULL, NULL), LF_ERR_INVALID_ARGUMENT, "lf_score");
    EXPECT(lf_score(ctx, ids, 2, NULL, NULL, 0, totals, NULL) == LF_OK); /* nothing to score */
  }

  /* Embeddings: no tokens, NULL output, a negative capacity, unknown pooling. */
  {
    float emb[256];
    EXPECT_FAIL(lf_embed(ctx, ids, 0, LF_POOL_MEAN, emb, 256), LF_ERR_INVALID_ARGUMENT, "no tokens");
    EXPECT_FAIL(lf_embed(ctx, ids, 2, LF_POOL_MEAN, NULL, 256), LF_ERR_INVALID_ARGUMENT, "lf_embed");
    EXPECT_FAIL(lf_embed(ctx, ids, 2, LF_POOL_MEAN, emb, -1), LF_ERR_INVALID_ARGUMENT, "negative capacity");
    EXPECT(lf_embed(ctx, ids, 2, LF_POOL_MEAN, emb, 1) == LF_ERR_BUFFER_TOO_SMALL);
    EXPECT_FAIL(lf_embed(ctx, ids, 2, (lf_pooling)-1, emb, 256), LF_ERR_INVALID_ARGUMENT, "unknown pooling -1");
    /* The context's length holds for embeddings too (it is 32 here). */
    {
      lf_token many[40];
      int i;
      for (i = 0; i < 40; ++i) many[i] = ids[i % 2];
      EXPECT_FAIL(lf_embed(ctx, many, 40, LF_POOL_MEAN, emb, 256), LF_ERR_CONTEXT_FULL,
                  "do not fit the context length 32");
      EXPECT(lf_embed(ctx, many, 32, LF_POOL_MEAN, emb, 256) == LF_OK);
    }
  }

  /* A context keeps its model alive: the model's handle may be freed first,
   * and its contexts (and their forks) go on working. */
  lf_context_free(ctx);
  ctx = NULL;
  lf_model_free(model);
  model = NULL;
  EXPECT(lf_generate(other, "hello", &gp, &r) == LF_OK && r.n_tokens == 6);
  lf_generate_result_free(&r);
  EXPECT(lf_context_fork(other, &ctx) == LF_OK);
  EXPECT(lf_generate(ctx, "hello", &gp, &r) == LF_OK && r.n_tokens == 6);
  lf_generate_result_free(&r);
  lf_context_free(other);
  lf_context_free(ctx);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s MODEL_DIR\n", argv[0]);
    return 2;
  }
  test_without_model();
  test_load_params(argv[1]);
  test_with_model(argv[1]);
  if (failures) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("all C API robustness checks passed\n");
  return 0;
}
