#include "engine.hpp"

#include <filesystem>

#include "common/app_error.hpp"

namespace lf::serve {

Engine::Engine(const EngineOptions& o) : model_(o.model_path) {
  lf_scheduler_params p = lf_scheduler_default_params();
  p.n_slots = o.slots;
  p.n_ctx = o.n_ctx;
  p.n_threads = o.threads;
  p.max_queue = o.max_queue;
  p.prefix_cache_bytes = o.prefix_cache_bytes;
  app::check_lf(lf_scheduler_create(model_.get(), &p, &scheduler_), "cannot start the scheduler");
  lf_scheduler_stats s{};
  app::check_lf(lf_scheduler_get_stats(scheduler_, &s), "scheduler stats");
  n_ctx_ = s.n_ctx;
  std::filesystem::path path(o.model_path);
  if (path.filename().empty()) path = path.parent_path();  // a directory given with a trailing slash
  model_id_ = path.has_extension() ? path.stem().string() : path.filename().string();
  if (model_id_.empty()) model_id_ = "liveformer";
}

Engine::~Engine() { lf_scheduler_free(scheduler_); }

lf_scheduler_stats Engine::stats() const {
  lf_scheduler_stats s{};
  lf_scheduler_get_stats(scheduler_, &s);
  return s;
}

std::vector<float> Engine::embed(const app::Tokens& tokens) {
  std::lock_guard<std::mutex> lock(embed_mutex_);
  // Made on first use: a server that never embeds does not pay for a context.
  if (!embed_ctx_) embed_ctx_ = std::make_unique<app::Context>(model_, n_ctx_, 1);
  std::vector<float> out(static_cast<std::size_t>(model_.desc().n_embd));
  app::check_lf(lf_embed(embed_ctx_->get(), tokens.data(), static_cast<int32_t>(tokens.size()), LF_POOL_MEAN, out.data(),
                         static_cast<int32_t>(out.size())),
                "embedding failed");
  return out;
}

}  // namespace lf::serve
