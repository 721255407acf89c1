#include "common/model.hpp"

#include <algorithm>
#include <filesystem>

#include "common/app_error.hpp"

#ifndef LIVEFORMER_DEMO_MODEL
#define LIVEFORMER_DEMO_MODEL "models/liveformer-demo-zh.gguf"
#endif

namespace app {

namespace {

std::vector<lf_chat_message> to_c(const Messages& messages) {
  std::vector<lf_chat_message> out;
  for (const auto& [role, content] : messages) out.push_back({role.c_str(), content.c_str()});
  return out;
}

}  // namespace

std::string resolve_model_path(const std::optional<std::string>& arg) {
  if (arg) return *arg;
  std::error_code ec;
  if (!std::filesystem::exists(LIVEFORMER_DEMO_MODEL, ec))
    throw AppError(std::string("no --model given and the demo model ") + LIVEFORMER_DEMO_MODEL +
                   " does not exist; pass --model PATH (a GGUF file or a Hugging Face model directory)");
  return LIVEFORMER_DEMO_MODEL;
}

void check_lf(lf_status status, const std::string& what) {
  if (status != LF_OK) {
    const std::string detail = lf_last_error();
    throw AppError(what + ": " + (detail.empty() ? lf_status_name(status) : detail));
  }
}

Model::Model(const std::string& path) : path_(path) {
  if (lf_model_load(path.c_str(), nullptr, &model_) != LF_OK) {
    const std::string detail = lf_last_error();  // names the file in most cases
    throw AppError("cannot load the model: " + detail +
                   (detail.find(path) == std::string::npos ? " (" + path + ")" : std::string()));
  }
  check_lf(lf_model_describe(model_, &desc_), "lf_model_describe");
  has_chat_ = lf_model_has_chat_template(model_) != 0;
}

Model::~Model() { lf_model_free(model_); }

Tokens Model::tokenize(std::string_view text, bool add_special, bool parse_special) const {
  Tokens out(text.size() + 8);
  std::int32_t n = 0;
  lf_status s = lf_tokenize(model_, text.data(), text.size(), add_special, parse_special, out.data(),
                            static_cast<std::int32_t>(out.size()), &n);
  if (s == LF_ERR_BUFFER_TOO_SMALL) {
    out.resize(static_cast<std::size_t>(n));
    s = lf_tokenize(model_, text.data(), text.size(), add_special, parse_special, out.data(), n, &n);
  }
  check_lf(s, "cannot tokenize the text");
  out.resize(static_cast<std::size_t>(n));
  return out;
}

Tokens Model::chat_tokenize(const Messages& messages, bool add_generation_prompt) const {
  const auto c = to_c(messages);
  std::size_t bytes = 64;
  for (const auto& m : messages) bytes += m.first.size() + m.second.size() + 16;
  Tokens out(bytes);
  std::int32_t n = 0;
  lf_status s = lf_chat_tokenize(model_, nullptr, c.data(), c.size(), add_generation_prompt, out.data(),
                                 static_cast<std::int32_t>(out.size()), &n);
  if (s == LF_ERR_BUFFER_TOO_SMALL) {
    out.resize(static_cast<std::size_t>(n));
    s = lf_chat_tokenize(model_, nullptr, c.data(), c.size(), add_generation_prompt, out.data(), n, &n);
  }
  check_lf(s, "cannot render the chat prompt");
  out.resize(static_cast<std::size_t>(n));
  return out;
}

lf_token Model::single_token(std::string_view text) const {
  lf_token ids[2];
  std::int32_t n = 0;
  if (lf_tokenize(model_, text.data(), text.size(), 0, 1, ids, 2, &n) != LF_OK || n != 1) return -1;
  return ids[0];
}

Context::Context(const Model& model, std::int32_t n_ctx, std::int32_t threads) {
  lf_context_params p = lf_context_default_params();
  p.n_ctx = n_ctx;
  p.n_threads = threads;
  check_lf(lf_context_create(model.get(), &p, &ctx_), "cannot create a context of " + std::to_string(n_ctx) + " tokens");
  n_ctx_ = lf_context_n_ctx(ctx_);
}

Context::~Context() { lf_context_free(ctx_); }

Context Context::fork() const {
  lf_context* copy = nullptr;
  check_lf(lf_context_fork(ctx_, &copy), "lf_context_fork");
  return Context(copy, n_ctx_);
}

void Context::eval(const Tokens& tokens) {
  check_lf(lf_eval(ctx_, tokens.data(), static_cast<std::int32_t>(tokens.size())), "cannot evaluate the prompt");
}

std::size_t common_prefix(const Tokens& a, const Tokens& b) {
  std::size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  return n;
}

}  // namespace app
