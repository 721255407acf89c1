/* The C API from plain C99: load, tokenize, generate (alone, batched, and
 * batched from a prefix cache), score, embed, fork, and error handling. Usage: test_c_api MODEL_DIR [STORIES_GGUF GREEDY_TXT]
 * (the stories260K check runs when its files are given and exist). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "liveformer/liveformer.h"

#include "expect.h"

typedef struct {
  char text[4096];
  size_t len;
  int pieces;
  int cancel_after;
} stream_sink;

static int collect(const char* piece, size_t len, void* user) {
  stream_sink* s = (stream_sink*)user;
  if (s->len + len < sizeof s->text) {
    memcpy(s->text + s->len, piece, len);
    s->len += len;
    s->text[s->len] = '\0';
  }
  ++s->pieces;
  return s->cancel_after > 0 && s->pieces >= s->cancel_after;
}

static char* read_file(const char* path) {
  FILE* f = fopen(path, "rb");
  long n;
  char* buf;
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  buf = (char*)malloc((size_t)n + 1);
  if (fread(buf, 1, (size_t)n, f) != (size_t)n) n = 0;
  buf[n] = '\0';
  fclose(f);
  return buf;
}

static void test_errors(void) {
  lf_model* m = (lf_model*)1;
  EXPECT(lf_model_load("/nonexistent/model.gguf", NULL, &m) == LF_ERR_IO);
  EXPECT(m == NULL);
  EXPECT(strstr(lf_last_error(), "/nonexistent/model.gguf") != NULL);
  EXPECT(lf_model_load(NULL, NULL, &m) == LF_ERR_INVALID_ARGUMENT);
  EXPECT(lf_model_load("x", NULL, NULL) == LF_ERR_INVALID_ARGUMENT);
  EXPECT(lf_context_create(NULL, NULL, NULL) == LF_ERR_INVALID_ARGUMENT);
  EXPECT(strcmp(lf_status_name(LF_ERR_CONTEXT_FULL), "context full") == 0);
  EXPECT(lf_context_logits(NULL) == NULL);
}

static void test_model(const char* dir) {
  lf_model* model = NULL;
  lf_context* ctx = NULL;
  lf_context* fork = NULL;
  lf_model_desc desc;
  lf_token ids[256];
  int32_t n = 0, n_small = 0;
  char text[1024];
  size_t n_bytes = 0;
  const char* sentence = "Hello, live room! \xe5\x8c\x85\xe9\x82\xae\xe5\x90\x97"; /* 包邮吗 */
  lf_generate_params gp = lf_generate_default_params();
  lf_generate_result r1, r2;
  stream_sink sink;
  lf_model_params mp = lf_model_default_params();
  lf_context_params cp = lf_context_default_params();

  mp.device = "cuda"; /* served only by a LIVEFORMER_CUDA build on a GPU machine */
  {
    const lf_status s = lf_model_load(dir, &mp, &model);
    EXPECT(s == LF_ERR_UNSUPPORTED || s == LF_OK);
    EXPECT((s == LF_OK) == (model != NULL));
    lf_model_free(model);
    model = NULL;
  }
  mp.device = "cpu";
  mp.quantize = "q5_k";
  EXPECT(lf_model_load(dir, &mp, &model) == LF_ERR_INVALID_ARGUMENT);
  EXPECT(strstr(lf_last_error(), "q5_k") != NULL);
  mp.quantize = NULL;
  mp.n_threads = 2; /* contexts default to two compute threads */
  if (lf_model_load(dir, &mp, &model) != LF_OK) {
    fprintf(stderr, "cannot load %s: %s\n", dir, lf_last_error());
    ++failures;
    return;
  }
  EXPECT(lf_model_describe(model, &desc) == LF_OK);
  EXPECT(desc.vocab_size > 0 && desc.n_embd > 0);

  /* tokenize / detokenize round trip; too-small buffers report the size */
  EXPECT(lf_tokenize(model, sentence, strlen(sentence), 0, 0, ids, 256, &n) == LF_OK);
  EXPECT(n > 3);
  EXPECT(lf_tokenize(model, sentence, strlen(sentence), 0, 0, ids, 2, &n_small) == LF_ERR_BUFFER_TOO_SMALL);
  EXPECT(n_small == n);
  EXPECT(lf_detokenize(model, ids, n, 0, text, sizeof text, &n_bytes) == LF_OK);
  EXPECT(n_bytes == strlen(sentence) && strcmp(text, sentence) == 0);
  EXPECT(lf_tokenize(model, "\xff\xfe", 2, 0, 0, ids, 256, &n) == LF_ERR_FORMAT); /* invalid UTF-8 */

  cp.n_ctx = 64;
  EXPECT(lf_context_create(model, &cp, &ctx) == LF_OK);
  EXPECT(lf_context_n_ctx(ctx) == 64);
  EXPECT(lf_model_has_chat_template(model) == 0); /* the tiny llama has none */
  cp.kv_type = (lf_kv_type)7;
  EXPECT(lf_context_create(model, &cp, &fork) == LF_ERR_INVALID_ARGUMENT);
  EXPECT(strstr(lf_last_error(), "kv_type 7") != NULL);
  cp.kv_type = LF_KV_Q8_0; /* the tiny llama's heads are 8 wide: q8_0 blocks need 32 */
  EXPECT(lf_context_create(model, &cp, &fork) == LF_ERR_INVALID_ARGUMENT);
  EXPECT(strstr(lf_last_error(), "multiple of 32") != NULL);
  cp.kv_type = LF_KV_F32;
  cp.kv_budget_bytes = 1000; /* far below 64 tokens' K and V */
  EXPECT(lf_context_create(model, &cp, &fork) == LF_ERR_INVALID_ARGUMENT);
  EXPECT(strstr(lf_last_error(), "memory budget") != NULL);
  cp.kv_budget_bytes = 0;
  cp.n_ctx = 2000000000; /* 2e9 tokens: over half of any machine's memory */
  EXPECT(lf_context_create(model, &cp, &fork) == LF_ERR_INVALID_ARGUMENT);
  EXPECT(strstr(lf_last_error(), "half of this machine's memory") != NULL);
  cp.n_ctx = 64;
  cp.n_threads = -1;
  EXPECT(lf_context_create(model, &cp, &fork) == LF_ERR_INVALID_ARGUMENT);
  cp.n_threads = 0;

  /* greedy generation, streamed; pieces add up to the text */
  memset(&sink, 0, sizeof sink);
  gp.max_new_tokens = 12;
  gp.sampling.temperature = 0;
  gp.stop_at_eos = 0;
  gp.on_text = collect;
  gp.user_data = &sink;
  EXPECT(lf_generate(ctx, sentence, &gp, &r1) == LF_OK);
  EXPECT(r1.n_tokens == 12 && r1.stop_reason == LF_STOP_MAX_TOKENS);
  EXPECT(sink.len == r1.text_len && memcmp(sink.text, r1.text, r1.text_len) == 0);

  /* the same prompt again reuses the cache and gives the same text */
  EXPECT(lf_generate(ctx, sentence, &gp, &r2) == LF_OK);
  EXPECT(r2.n_reused_tokens > 0);
  EXPECT(r2.text_len == r1.text_len && strcmp(r2.text, r1.text) == 0);
  lf_generate_result_free(&r2);

  /* a fork continues from the same state */
  EXPECT(lf_context_fork(ctx, &fork) == LF_OK);
  EXPECT(lf_context_n_tokens(fork) == lf_context_n_tokens(ctx));
  memset(&sink, 0, sizeof sink);
  EXPECT(lf_generate(fork, sentence, &gp, &r2) == LF_OK);
  EXPECT(r2.n_reused_tokens == r1.n_prompt_tokens - 1);
  EXPECT(strcmp(r2.text, r1.text) == 0);
  lf_generate_result_free(&r2);

  /* cancelling from the callback */
  memset(&sink, 0, sizeof sink);
  sink.cancel_after = 1;
  EXPECT(lf_generate(fork, sentence, &gp, &r2) == LF_OK);
  EXPECT(r2.stop_reason == LF_STOP_CANCELLED);
  EXPECT(sink.pieces == 1 && r2.n_tokens < 12);
  EXPECT(r2.text_len == sink.len);
  lf_generate_result_free(&r2);
  lf_generate_result_free(&r1);

  /* scoring: totals equal the log-softmax of lf_eval's logits */
  {
    lf_token prefix[3], a[2], b[1];
    const lf_token* conts[2];
    int32_t lens[2] = {2, 1};
    double totals[2], per_token[3], lse = 0, expect_b;
    const float* logits;
    int32_t v;
    prefix[0] = ids[0]; prefix[1] = ids[1]; prefix[2] = ids[2];
    a[0] = 5; a[1] = 7; b[0] = 9;
    conts[0] = a; conts[1] = b;
    EXPECT(lf_score(ctx, prefix, 3, conts, lens, 2, totals, per_token) == LF_OK);
    EXPECT(fabs(totals[0] - (per_token[0] + per_token[1])) < 1e-9);
    EXPECT(fabs(totals[1] - per_token[2]) < 1e-12);
    lf_context_truncate(ctx, 0);
    EXPECT(lf_eval(ctx, prefix, 3) == LF_OK);
    logits = lf_context_logits(ctx);
    EXPECT(logits != NULL);
    if (logits) {
      double mx = logits[0];
      for (v = 0; v < desc.vocab_size; ++v) if (logits[v] > mx) mx = logits[v];
      for (v = 0; v < desc.vocab_size; ++v) lse += exp(logits[v] - mx);
      expect_b = logits[9] - mx - log(lse);
      EXPECT(fabs(totals[1] - expect_b) < 1e-4);
      EXPECT(fabs(per_token[0] - (logits[5] - mx - log(lse))) < 1e-4);
    }
  }

  /* 16-bit KV caches: the logits after a prompt stay close to the f32
   * cache's (f16 rounds K/V to ~1e-3 relative, bf16 to ~8e-3) */
  {
    const lf_kv_type types[2] = {LF_KV_F16, LF_KV_BF16};
    float* ref = (float*)malloc(sizeof(float) * (size_t)desc.vocab_size);
    int t;
    lf_context_params kp = lf_context_default_params();
    kp.n_ctx = 64;
    EXPECT(ref != NULL);
    lf_context_truncate(ctx, 0);
    EXPECT(lf_eval(ctx, ids, 4) == LF_OK);
    if (ref && lf_context_logits(ctx)) memcpy(ref, lf_context_logits(ctx), sizeof(float) * (size_t)desc.vocab_size);
    for (t = 0; t < 2 && ref; ++t) {
      lf_context* half = NULL;
      double num = 0, den = 0;
      int32_t v;
      kp.kv_type = types[t];
      EXPECT(lf_context_create(model, &kp, &half) == LF_OK);
      if (!half) continue;
      EXPECT(lf_eval(half, ids, 4) == LF_OK);
      for (v = 0; v < desc.vocab_size && lf_context_logits(half); ++v) {
        const double d = lf_context_logits(half)[v] - ref[v];
        num += d * d;
        den += (double)ref[v] * ref[v];
      }
      EXPECT(den > 0 && sqrt(num / den) < 5e-2);
      lf_context_free(half);
    }
    free(ref);
  }

  /* embeddings: finite, n_embd wide, and the buffer size is checked */
  {
    float emb[4096];
    int32_t j, finite = 1;
    EXPECT(lf_embed(ctx, ids, 3, LF_POOL_MEAN, emb, 4096) == LF_OK);
    for (j = 0; j < desc.n_embd; ++j) finite = finite && isfinite(emb[j]);
    EXPECT(finite);
    EXPECT(lf_embed(ctx, ids, 3, LF_POOL_LAST, emb, 1) == LF_ERR_BUFFER_TOO_SMALL);
    EXPECT(lf_embed(ctx, ids, 3, (lf_pooling)9, emb, 4096) == LF_ERR_INVALID_ARGUMENT); /* any int may arrive from C */
  }

  /* batched generation: each result equals that prompt generated alone,
   * sampled (temperature 0.9, seeded), in a fresh context */
  {
    lf_token p0[3], p1[1], p2[5];
    const lf_token* prompts[3];
    int32_t lens[3] = {3, 1, 5};
    lf_generate_result batch[3], alone;
    lf_generate_params bp = lf_generate_default_params();
    lf_context* fresh = NULL;
    int32_t i;
    p0[0] = ids[0]; p0[1] = ids[1]; p0[2] = ids[2];
    p1[0] = ids[3];
    for (i = 0; i < 5; ++i) p2[i] = ids[i];
    prompts[0] = p0; prompts[1] = p1; prompts[2] = p2;
    bp.max_new_tokens = 10;
    bp.sampling.temperature = 0.9f;
    bp.sampling.seed = 11;
    bp.stop_at_eos = 0;
    EXPECT(lf_generate_batch(ctx, prompts, lens, 3, &bp, batch) == LF_OK);
    for (i = 0; i < 3; ++i) {
      EXPECT(lf_context_create(model, &cp, &fresh) == LF_OK);
      EXPECT(lf_generate_tokens(fresh, prompts[i], lens[i], &bp, &alone) == LF_OK);
      EXPECT(batch[i].n_tokens == 10 && alone.n_tokens == 10);
      EXPECT(batch[i].text_len == alone.text_len && strcmp(batch[i].text, alone.text) == 0);
      lf_generate_result_free(&alone);
      lf_generate_result_free(&batch[i]);
      lf_context_free(fresh);
      fresh = NULL;
    }
    bp.on_text = collect;
    EXPECT(lf_generate_batch(ctx, prompts, lens, 3, &bp, batch) == LF_ERR_INVALID_ARGUMENT);
    EXPECT(strstr(lf_last_error(), "on_text") != NULL);
    bp.on_text = NULL;
    lens[1] = 0;
    EXPECT(lf_generate_batch(ctx, prompts, lens, 3, &bp, batch) == LF_ERR_INVALID_ARGUMENT);
    EXPECT(lf_generate_batch(ctx, prompts, lens, 0, &bp, batch) == LF_OK);
  }

  /* batched generation from the prefix cache: a shared prefix evaluated
   * once; each result equals that prompt generated alone on a fork of the
   * prefix context (greedy, and sampled with a seed), the prefix is reused,
   * and the prefix context is left as it was */
  {
    lf_token pre[5], q0[7], q1[6], q2[9], q3[3];
    const lf_token* prompts[5];
    int32_t lens[5] = {7, 6, 9, 5, 3};
    int32_t want_reused[5] = {5, 5, 5, 4, 0};
    lf_generate_result batch[5], alone;
    lf_generate_params bp = lf_generate_default_params();
    lf_context* prefix_ctx = NULL;
    lf_context* forked = NULL;
    int32_t i, pass;
    for (i = 0; i < 5; ++i) pre[i] = ids[i];
    for (i = 0; i < 5; ++i) q0[i] = q1[i] = q2[i] = pre[i];
    q0[5] = 9; q0[6] = 11;                                     /* prefix + 2 tokens */
    q1[5] = ids[5];                                            /* prefix + 1 token */
    q2[5] = 3; q2[6] = 4; q2[7] = 5; q2[8] = 6;                /* prefix + 4 tokens */
    q3[0] = 8; q3[1] = 8; q3[2] = 8;                           /* shares nothing */
    prompts[0] = q0; prompts[1] = q1; prompts[2] = q2; prompts[3] = pre; prompts[4] = q3;
    EXPECT(lf_context_create(model, &cp, &prefix_ctx) == LF_OK);
    EXPECT(lf_eval(prefix_ctx, pre, 5) == LF_OK);
    bp.max_new_tokens = 10;
    bp.stop_at_eos = 0;
    for (pass = 0; pass < 2; ++pass) {
      bp.sampling.temperature = pass == 0 ? 0.0f : 0.9f;
      bp.sampling.seed = 5;
      EXPECT(lf_generate_batch_cached(prefix_ctx, prompts, lens, 5, &bp, batch) == LF_OK);
      EXPECT(lf_context_n_tokens(prefix_ctx) == 5);
      for (i = 0; i < 5; ++i) {
        EXPECT(lf_context_fork(prefix_ctx, &forked) == LF_OK);
        EXPECT(lf_generate_tokens(forked, prompts[i], lens[i], &bp, &alone) == LF_OK);
        EXPECT(batch[i].n_reused_tokens == want_reused[i] && alone.n_reused_tokens == want_reused[i]);
        EXPECT(batch[i].n_prompt_tokens == lens[i]);
        EXPECT(batch[i].n_tokens == 10 && alone.n_tokens == 10);
        EXPECT(batch[i].text_len == alone.text_len && strcmp(batch[i].text, alone.text) == 0);
        lf_generate_result_free(&alone);
        lf_generate_result_free(&batch[i]);
        lf_context_free(forked);
        forked = NULL;
      }
    }
    /* the prefix context still continues exactly as before the batches */
    {
      lf_context* untouched = NULL;
      lf_generate_result a, b;
      bp.sampling.temperature = 0;
      EXPECT(lf_context_create(model, &cp, &untouched) == LF_OK);
      EXPECT(lf_eval(untouched, pre, 5) == LF_OK);
      EXPECT(lf_generate_tokens(untouched, q2, 9, &bp, &a) == LF_OK);
      EXPECT(lf_generate_tokens(prefix_ctx, q2, 9, &bp, &b) == LF_OK);
      EXPECT(a.n_reused_tokens == 5 && b.n_reused_tokens == 5);
      EXPECT(a.text_len == b.text_len && strcmp(a.text, b.text) == 0);
      lf_generate_result_free(&a);
      lf_generate_result_free(&b);
      lf_context_free(untouched);
    }
    /* errors */
    EXPECT(lf_generate_batch_cached(NULL, prompts, lens, 1, &bp, batch) == LF_ERR_INVALID_ARGUMENT);
    EXPECT(strstr(lf_last_error(), "lf_generate_batch_cached") != NULL);
    EXPECT(lf_generate_batch_cached(prefix_ctx, NULL, lens, 1, &bp, batch) == LF_ERR_INVALID_ARGUMENT);
    EXPECT(lf_generate_batch_cached(prefix_ctx, prompts, lens, -1, &bp, batch) == LF_ERR_INVALID_ARGUMENT);
    EXPECT(lf_generate_batch_cached(prefix_ctx, prompts, lens, 0, &bp, NULL) == LF_OK);
    bp.on_text = collect;
    EXPECT(lf_generate_batch_cached(prefix_ctx, prompts, lens, 2, &bp, batch) == LF_ERR_INVALID_ARGUMENT);
    EXPECT(strstr(lf_last_error(), "on_text") != NULL);
    bp.on_text = NULL;
    lens[1] = 0;
    EXPECT(lf_generate_batch_cached(prefix_ctx, prompts, lens, 2, &bp, batch) == LF_ERR_INVALID_ARGUMENT);
    EXPECT(strstr(lf_last_error(), "prompt 1") != NULL);
    lens[1] = 6;
    {
      lf_token many[80];
      const lf_token* longp[2];
      int32_t longlens[2] = {7, 80};
      for (i = 0; i < 80; ++i) many[i] = 5;
      longp[0] = q0; longp[1] = many;
      EXPECT(lf_generate_batch_cached(prefix_ctx, longp, longlens, 2, &bp, batch) == LF_ERR_CONTEXT_FULL);
      EXPECT(strstr(lf_last_error(), "context length 64") != NULL);
      EXPECT(batch[0].text == NULL && batch[1].text == NULL);
    }
    lf_context_free(prefix_ctx);
  }

  /* a prompt longer than the context is a clear error */
  {
    lf_token many[80];
    int32_t i;
    for (i = 0; i < 80; ++i) many[i] = 5;
    EXPECT(lf_generate_tokens(ctx, many, 80, &gp, &r1) == LF_ERR_CONTEXT_FULL);
    EXPECT(strstr(lf_last_error(), "context length 64") != NULL);
  }

  /* chat template (the tiny models' tokenizer_config has ChatML for qwen2 only) */
  {
    lf_chat_message msgs[2];
    msgs[0].role = "system"; msgs[0].content = "\xe4\xbd\xa0\xe5\xa5\xbd"; /* 你好 */
    msgs[1].role = "user"; msgs[1].content = "hi <|im_end|>";
    EXPECT(lf_chat_apply_template(model, "chatml", msgs, 2, 1, text, sizeof text, &n_bytes) == LF_OK);
    EXPECT(strcmp(text, "<|im_start|>system\n\xe4\xbd\xa0\xe5\xa5\xbd<|im_end|>\n<|im_start|>user\nhi <|im_end|><|im_end|>\n"
                        "<|im_start|>assistant\n") == 0);
    msgs[1].role = "robot";
    EXPECT(lf_chat_apply_template(model, "chatml", msgs, 2, 1, text, sizeof text, &n_bytes) == LF_ERR_INVALID_ARGUMENT);
    EXPECT(lf_chat_apply_template(model, "nope", msgs, 1, 1, text, sizeof text, &n_bytes) == LF_ERR_INVALID_ARGUMENT);
  }

  lf_context_free(fork);
  lf_context_free(ctx);
  lf_model_free(model);
}

/* Returns 0 when the reference files are missing (nothing checked). */
static int test_stories(const char* gguf, const char* greedy_path) {
  lf_model* model = NULL;
  lf_context* ctx = NULL;
  lf_generate_params gp = lf_generate_default_params();
  lf_generate_result r;
  char* expected = read_file(greedy_path);
  if (!expected) {
    printf("SKIP: %s not found\n", greedy_path);
    return 0;
  }
  EXPECT(lf_model_load(gguf, NULL, &model) == LF_OK);
  EXPECT(lf_context_create(model, NULL, &ctx) == LF_OK);
  gp.max_new_tokens = 200;
  gp.sampling.temperature = 0;
  EXPECT(lf_generate(ctx, "", &gp, &r) == LF_OK);
  EXPECT(strcmp(r.text, expected) == 0);
  lf_generate_result_free(&r);
  /* a real model's greedy answers from the prefix cache, batched, equal
   * answering each prompt alone on a fork of the prefix context */
  {
    const char* texts[3] = {"Once upon a time, there was a little girl named Lily. She",
                            "Once upon a time, there was a little girl named Lily. One day",
                            "Once upon a time, there was a little girl named Lily. Her mom said"};
    lf_token pre[64], q[3][64];
    const lf_token* prompts[3];
    int32_t n_pre = 0, lens[3], i;
    lf_generate_result batch[3], alone;
    lf_context* fork = NULL;
    lf_context_truncate(ctx, 0);
    EXPECT(lf_tokenize(model, texts[0], 53, 1, 0, pre, 64, &n_pre) == LF_OK); /* "...Lily." */
    EXPECT(lf_eval(ctx, pre, n_pre) == LF_OK);
    for (i = 0; i < 3; ++i) {
      EXPECT(lf_tokenize(model, texts[i], strlen(texts[i]), 1, 0, q[i], 64, &lens[i]) == LF_OK);
      prompts[i] = q[i];
    }
    gp.max_new_tokens = 24;
    EXPECT(lf_generate_batch_cached(ctx, prompts, lens, 3, &gp, batch) == LF_OK);
    for (i = 0; i < 3; ++i) {
      EXPECT(lf_context_fork(ctx, &fork) == LF_OK);
      EXPECT(lf_generate_tokens(fork, prompts[i], lens[i], &gp, &alone) == LF_OK);
      EXPECT(batch[i].n_reused_tokens >= n_pre - 1 && batch[i].n_reused_tokens == alone.n_reused_tokens);
      EXPECT(batch[i].n_tokens > 0 && strcmp(batch[i].text, alone.text) == 0);
      lf_generate_result_free(&alone);
      lf_generate_result_free(&batch[i]);
      lf_context_free(fork);
    }
  }
  lf_context_free(ctx);
  lf_model_free(model);
  free(expected);
  return 1;
}

/* test_c_api MODEL_DIR: the C API on the repository's tiny model.
 * test_c_api --stories STORIES_GGUF GREEDY_TXT: the published stories260K
 * text from ../shared; exits 77 (ctest: skipped) when the files are missing. */
int main(int argc, char** argv) {
  const int stories = argc == 4 && strcmp(argv[1], "--stories") == 0;
  if (argc != 2 && !stories) {
    fprintf(stderr, "usage: %s MODEL_DIR | --stories STORIES_GGUF GREEDY_TXT\n", argv[0]);
    return 2;
  }
  printf("liveformer %s (C API %d)\n", lf_version(), LF_API_VERSION);
  if (stories) {
    if (!test_stories(argv[2], argv[3])) return 77;
  } else {
    test_errors();
    test_model(argv[1]);
  }
  if (failures) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("all C API checks passed\n");
  return 0;
}
