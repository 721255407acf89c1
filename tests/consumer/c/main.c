/* Loads a model through the installed C library, generates greedily and
 * checks an error path: what a C program (or an FFI) does first. */
#include <stdio.h>
#include <string.h>

#include <liveformer/liveformer.h>

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: c_consumer MODEL PROMPT\n");
    return 2;
  }
  lf_model* model = NULL;
  /* A missing file is a status and a message, not a crash. */
  if (lf_model_load("/nonexistent/model.gguf", NULL, &model) != LF_ERR_IO || model != NULL ||
      strlen(lf_last_error()) == 0) {
    fprintf(stderr, "a missing model file was not LF_ERR_IO with a message\n");
    return 1;
  }
  lf_status st = lf_model_load(argv[1], NULL, &model);
  if (st != LF_OK) {
    fprintf(stderr, "lf_model_load: %s: %s\n", lf_status_name(st), lf_last_error());
    return 1;
  }
  lf_context* ctx = NULL;
  st = lf_context_create(model, NULL, &ctx);
  if (st != LF_OK) {
    fprintf(stderr, "lf_context_create: %s\n", lf_last_error());
    lf_model_free(model);
    return 1;
  }
  lf_generate_params gp = lf_generate_default_params();
  gp.max_new_tokens = 16;
  gp.sampling.temperature = 0.0f;
  lf_generate_result result;
  st = lf_generate(ctx, argv[2], &gp, &result);
  int ok = st == LF_OK && result.n_tokens > 0 && result.text_len == strlen(result.text);
  if (ok) printf("liveformer %s: %d tokens: %s\n", lf_version(), result.n_tokens, result.text);
  else fprintf(stderr, "lf_generate: %s: %s\n", lf_status_name(st), lf_last_error());
  lf_generate_result_free(&result);
  lf_context_free(ctx);
  lf_model_free(model);
  return ok ? 0 : 1;
}
