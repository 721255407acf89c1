// The model a server serves, through the C API: the loaded model, its
// scheduler (continuous batching for every generation: OpenAI requests and
// the rooms' answers alike), and a context for embeddings, used by one
// worker thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <liveformer/liveformer.h>

#include "common/model.hpp"

namespace lf::serve {

struct EngineOptions {
  std::string model_path;
  int slots = 4;
  int n_ctx = 0;            ///< per slot; 0: min(trained context, 4096)
  int threads = 0;          ///< 0: one per core
  int max_queue = 64;
  std::int64_t prefix_cache_bytes = 256ll << 20;
};

class Engine {
 public:
  explicit Engine(const EngineOptions& options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const app::Model& model() const { return model_; }
  lf_scheduler* scheduler() const { return scheduler_; }
  std::int32_t n_ctx() const { return n_ctx_; }
  /// The id clients use in "model" (the file's name without its extension).
  const std::string& model_id() const { return model_id_; }
  lf_scheduler_stats stats() const;

  /// Mean-pooled embedding of `tokens` (serialised: one context).
  std::vector<float> embed(const app::Tokens& tokens);

 private:
  app::Model model_;
  lf_scheduler* scheduler_ = nullptr;
  std::int32_t n_ctx_ = 0;
  std::string model_id_;
  std::mutex embed_mutex_;
  std::unique_ptr<app::Context> embed_ctx_;
};

}  // namespace lf::serve
