// Thin RAII wrappers over the liveformer C API for the apps: a loaded
// model, a context (KV cache), tokenization and chat rendering. Every C
// API failure becomes an AppError carrying lf_last_error().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <liveformer/liveformer.h>

namespace app {

using Tokens = std::vector<lf_token>;
/// {role, content} chat messages.
using Messages = std::vector<std::pair<std::string, std::string>>;

/// The model to load: `--model PATH` if given, else the project's embedded
/// demo model (models/liveformer-demo-zh.gguf in the source tree). Throws
/// AppError telling the user to pass --model when the default is missing.
std::string resolve_model_path(const std::optional<std::string>& arg);

/// Throws AppError("WHAT: <lf_last_error()>") unless status is LF_OK.
void check_lf(lf_status status, const std::string& what);

class Model {
 public:
  explicit Model(const std::string& path);
  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const lf_model* get() const { return model_; }
  const lf_model_desc& desc() const { return desc_; }
  const std::string& path() const { return path_; }
  /// True when the model carries a chat template lf_chat_tokenize knows.
  bool has_chat_template() const { return has_chat_; }

  Tokens tokenize(std::string_view text, bool add_special, bool parse_special) const;
  /// The conversation rendered by the model's own template (format NULL).
  Tokens chat_tokenize(const Messages& messages, bool add_generation_prompt) const;
  /// The id of `text` if it is exactly one token with special parsing
  /// ("<|im_end|>"), else -1.
  lf_token single_token(std::string_view text) const;

 private:
  lf_model* model_ = nullptr;
  lf_model_desc desc_{};
  std::string path_;
  bool has_chat_ = false;
};

class Context {
 public:
  /// n_ctx 0: the model's default context length.
  /// threads: compute threads of this context (0: the library's default,
  /// all cores); apps that run one context per thread pass 1.
  Context(const Model& model, std::int32_t n_ctx, std::int32_t threads = 0);
  ~Context();
  Context(Context&& other) noexcept : ctx_(std::exchange(other.ctx_, nullptr)), n_ctx_(other.n_ctx_) {}
  Context& operator=(Context&&) = delete;
  Context(const Context&) = delete;

  /// A copy of this context's KV state (the prefix cache).
  Context fork() const;
  void eval(const Tokens& tokens);
  lf_context* get() { return ctx_; }
  std::int32_t n_ctx() const { return n_ctx_; }
  std::int32_t n_tokens() const { return lf_context_n_tokens(ctx_); }

 private:
  Context(lf_context* ctx, std::int32_t n_ctx) : ctx_(ctx), n_ctx_(n_ctx) {}
  lf_context* ctx_ = nullptr;
  std::int32_t n_ctx_ = 0;
};

/// Length of the common prefix of two token sequences.
std::size_t common_prefix(const Tokens& a, const Tokens& b);

}  // namespace app
