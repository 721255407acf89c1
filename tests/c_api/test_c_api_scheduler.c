/* lf_scheduler_* from C: many requests at once give what each gives alone
   in a fresh context; cancel, timeout, a full queue, bad arguments and
   drain behave as documented; stats count what happened. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "expect.h"

#define N_REQ 12

typedef struct {
  pthread_mutex_t mutex;
  pthread_cond_t cond;
  int done;
  char* text[N_REQ];
  lf_stop_reason reason[N_REQ];
  int32_t n_tokens[N_REQ];
  lf_status status[N_REQ];
  uint64_t id[N_REQ];
  int calls[N_REQ];
} board;

typedef struct {
  board* b;
  int index;
} ticket;

static void on_done(uint64_t request, lf_status status, const lf_generate_result* r, const char* error, void* user) {
  ticket* t = (ticket*)user;
  board* b = t->b;
  (void)error;
  pthread_mutex_lock(&b->mutex);
  b->status[t->index] = status;
  b->id[t->index] = request;
  b->calls[t->index]++;
  if (status == LF_OK && r) {
    b->text[t->index] = (char*)malloc(r->text_len + 1);
    memcpy(b->text[t->index], r->text, r->text_len + 1);
    b->reason[t->index] = r->stop_reason;
    b->n_tokens[t->index] = r->n_tokens;
  }
  b->done++;
  pthread_cond_broadcast(&b->cond);
  pthread_mutex_unlock(&b->mutex);
}

static int wait_for(board* b, int n) {
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += 60;
  pthread_mutex_lock(&b->mutex);
  while (b->done < n)
    if (pthread_cond_timedwait(&b->cond, &b->mutex, &until) != 0) break;
  n = b->done >= n;
  pthread_mutex_unlock(&b->mutex);
  return n;
}

static void board_init(board* b) {
  memset(b, 0, sizeof *b);
  pthread_mutex_init(&b->mutex, NULL);
  pthread_cond_init(&b->cond, NULL);
}

static void board_free(board* b) {
  int i;
  for (i = 0; i < N_REQ; ++i) free(b->text[i]);
  pthread_mutex_destroy(&b->mutex);
  pthread_cond_destroy(&b->cond);
}

static void make_prompt(int i, lf_token* p, int32_t* n) {
  int k;
  *n = 1 + (i * 5) % 17;
  for (k = 0; k < *n; ++k) p[k] = (lf_token)((i * 37 + k * 11 + 3) % 200);
}

static lf_generate_params greedy(int max_new) {
  lf_generate_params g = lf_generate_default_params();
  g.max_new_tokens = max_new;
  g.sampling.temperature = 0;
  g.stop_at_eos = 0;
  return g;
}

static void test_same_as_alone(lf_model* model) {
  lf_scheduler_params sp = lf_scheduler_default_params();
  lf_scheduler* s = NULL;
  board b;
  ticket t[N_REQ];
  lf_token prompts[N_REQ][20];
  int32_t lens[N_REQ];
  int i;
  sp.n_slots = 4;
  sp.n_ctx = 64;
  sp.n_threads = 1;
  sp.prefill_chunk = 5;
  EXPECT(lf_scheduler_create(model, &sp, &s) == LF_OK);
  if (!s) return;
  board_init(&b);
  for (i = 0; i < N_REQ; ++i) {
    lf_request_params rp = lf_request_default_params();
    uint64_t id = 0;
    make_prompt(i, prompts[i], &lens[i]);
    rp.generate = greedy(4 + i % 6);
    rp.on_done = on_done;
    t[i].b = &b;
    t[i].index = i;
    rp.done_user_data = &t[i];
    EXPECT(lf_scheduler_submit(s, prompts[i], lens[i], &rp, &id) == LF_OK);
    EXPECT(id > 0);
  }
  EXPECT(wait_for(&b, N_REQ));
  for (i = 0; i < N_REQ; ++i) {
    lf_context_params cp = lf_context_default_params();
    lf_context* ctx = NULL;
    lf_generate_result r;
    lf_generate_params g = greedy(4 + i % 6);
    cp.n_ctx = 64;
    EXPECT(b.calls[i] == 1);
    EXPECT(b.status[i] == LF_OK);
    EXPECT(lf_context_create(model, &cp, &ctx) == LF_OK);
    EXPECT(lf_generate_tokens(ctx, prompts[i], lens[i], &g, &r) == LF_OK);
    EXPECT(b.text[i] && strcmp(b.text[i], r.text) == 0);
    EXPECT(b.n_tokens[i] == r.n_tokens);
    EXPECT(b.reason[i] == r.stop_reason);
    lf_generate_result_free(&r);
    lf_context_free(ctx);
  }
  {
    lf_scheduler_stats st;
    EXPECT(lf_scheduler_get_stats(s, &st) == LF_OK);
    EXPECT(st.completed == N_REQ);
    EXPECT(st.n_slots == 4 && st.n_ctx == 64 && st.n_active == 0);
    EXPECT(st.decode_tokens > 0 && st.prefill_tokens > 0);
  }
  lf_scheduler_free(s);
  board_free(&b);
}

static void test_errors_and_cancel(lf_model* model) {
  lf_scheduler_params sp = lf_scheduler_default_params();
  lf_scheduler* s = NULL;
  lf_request_params rp = lf_request_default_params();
  board b;
  ticket t[N_REQ];
  lf_token prompt[4] = {1, 2, 3, 4};
  lf_token bad[2] = {1, 100000};
  lf_token longp[40];
  uint64_t id = 0;
  int i;
  sp.n_slots = 1;
  sp.n_ctx = 32;
  sp.n_threads = 1;
  sp.max_queue = 1;
  EXPECT(lf_scheduler_create(NULL, &sp, &s) == LF_ERR_INVALID_ARGUMENT);
  sp.n_slots = 0;
  EXPECT(lf_scheduler_create(model, &sp, &s) == LF_ERR_INVALID_ARGUMENT && s == NULL);
  sp.n_slots = 1;
  sp.kv_type = (lf_kv_type)7;
  EXPECT(lf_scheduler_create(model, &sp, &s) == LF_ERR_INVALID_ARGUMENT);
  sp.kv_type = LF_KV_F32;
  EXPECT(lf_scheduler_create(model, &sp, &s) == LF_OK);
  if (!s) return;
  board_init(&b);
  for (i = 0; i < N_REQ; ++i) t[i].b = &b, t[i].index = i;
  EXPECT(lf_scheduler_submit(s, prompt, 4, &rp, &id) == LF_ERR_INVALID_ARGUMENT); /* no on_done */
  rp.on_done = on_done;
  rp.done_user_data = &t[0];
  EXPECT(lf_scheduler_submit(NULL, prompt, 4, &rp, &id) == LF_ERR_INVALID_ARGUMENT);
  EXPECT(lf_scheduler_submit(s, prompt, 0, &rp, &id) == LF_ERR_INVALID_ARGUMENT);
  EXPECT(lf_scheduler_submit(s, bad, 2, &rp, &id) == LF_ERR_INVALID_ARGUMENT);
  memset(longp, 0, sizeof longp);
  EXPECT(lf_scheduler_submit(s, longp, 40, &rp, &id) == LF_ERR_CONTEXT_FULL);
  rp.timeout_ms = -1;
  EXPECT(lf_scheduler_submit(s, prompt, 4, &rp, &id) == LF_ERR_INVALID_ARGUMENT);
  rp.timeout_ms = 0;
  rp.generate.sampling.temperature = (float)strtod("nan", NULL);
  EXPECT(lf_scheduler_submit(s, prompt, 4, &rp, &id) == LF_ERR_INVALID_ARGUMENT);
  EXPECT(b.done == 0); /* refused requests get no callback */

  /* One long request runs, one waits, the next is refused (queue of 1);
     then both are cancelled. */
  rp.generate = greedy(1000);
  {
    uint64_t first = 0, second = 0, third = 0;
    lf_status st;
    rp.done_user_data = &t[1];
    EXPECT(lf_scheduler_submit(s, prompt, 4, &rp, &first) == LF_OK);
    rp.done_user_data = &t[2];
    /* the first may not have left the queue yet: retry for up to 10 s */
    for (i = 0; i < 10000; ++i) {
      const struct timespec ms = {0, 1000000};
      st = lf_scheduler_submit(s, prompt, 4, &rp, &second);
      if (st == LF_OK) break;
      EXPECT(st == LF_ERR_BUSY);
      nanosleep(&ms, NULL);
    }
    EXPECT(second > 0);
    rp.done_user_data = &t[3];
    st = lf_scheduler_submit(s, prompt, 4, &rp, &third);
    /* refused unless the first already finished (a 32-token context fills fast) */
    EXPECT(st == LF_ERR_BUSY || st == LF_OK);
    EXPECT(lf_scheduler_cancel(s, first) == LF_OK);
    EXPECT(lf_scheduler_cancel(s, second) == LF_OK);
    EXPECT(lf_scheduler_cancel(s, 999999) == LF_OK); /* unknown ids are ignored */
    EXPECT(lf_scheduler_cancel(NULL, first) == LF_ERR_INVALID_ARGUMENT);
    EXPECT(wait_for(&b, st == LF_OK ? 3 : 2));
    EXPECT(b.calls[1] == 1 && b.calls[2] == 1);
    EXPECT(b.id[1] == first && b.id[2] == second);
    EXPECT(b.reason[1] == LF_STOP_CANCELLED || b.reason[1] == LF_STOP_CONTEXT_FULL);
  }
  /* A timeout ends a request. */
  {
    int before = b.done;
    rp.timeout_ms = 1;
    rp.done_user_data = &t[4];
    EXPECT(lf_scheduler_submit(s, prompt, 4, &rp, &id) == LF_OK);
    EXPECT(wait_for(&b, before + 1));
    EXPECT(b.reason[4] == LF_STOP_CANCELLED || b.reason[4] == LF_STOP_CONTEXT_FULL);
  }
  EXPECT(lf_scheduler_drain(s, 0) == LF_OK);
  rp.timeout_ms = 0;
  EXPECT(lf_scheduler_submit(s, prompt, 4, &rp, &id) == LF_ERR_BUSY);
  EXPECT(strcmp(lf_status_name(LF_ERR_BUSY), "busy") == 0);
  EXPECT(lf_scheduler_get_stats(NULL, NULL) == LF_ERR_INVALID_ARGUMENT);
  lf_scheduler_free(s);
  lf_scheduler_free(NULL);
  board_free(&b);
}

int main(int argc, char** argv) {
  lf_model* model = NULL;
  lf_model_params mp = lf_model_default_params();
  if (argc < 2) {
    fprintf(stderr, "usage: %s MODEL_DIR\n", argv[0]);
    return 2;
  }
  mp.n_threads = 1;
  if (lf_model_load(argv[1], &mp, &model) != LF_OK) {
    fprintf(stderr, "cannot load %s: %s\n", argv[1], lf_last_error());
    return 1;
  }
  test_same_as_alone(model);
  test_errors_and_cancel(model);
  lf_model_free(model);
  if (failures) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("all C API scheduler checks passed\n");
  return 0;
}
