#include "liveformer/model/config.hpp"

#include <cmath>

#include "liveformer/core/error.hpp"

namespace lf {

const char* architecture_name(Architecture a) {
  switch (a) {
    case Architecture::gpt2: return "gpt2";
    case Architecture::llama: return "llama";
    case Architecture::qwen2: return "qwen2";
  }
  return "?";
}

void ModelConfig::validate(const std::string& source) const {
  auto positive = [&](std::int64_t v, const char* name) {
    LF_CHECK(v > 0, source.c_str(), std::string(name) + " must be positive, got " + std::to_string(v));
    // Far beyond any model that fits in memory; keeps size arithmetic safe.
    LF_CHECK(v <= (1LL << 31), source.c_str(), std::string(name) + " " + std::to_string(v) + " is implausibly large");
  };
  positive(vocab_size, "vocab_size");
  positive(n_embd, "embedding width");
  positive(n_layers, "layer count");
  positive(n_heads, "head count");
  positive(n_kv_heads, "kv head count");
  positive(head_dim, "head_dim");
  positive(n_ff, "feed-forward width");
  positive(n_ctx_train, "training context length");
  LF_CHECK(n_heads % n_kv_heads == 0, source.c_str(),
        "kv head count " + std::to_string(n_kv_heads) + " does not divide head count " + std::to_string(n_heads));
  // Written so that NaN fails; every float a file supplies is range-checked.
  LF_CHECK(norm_eps > 0 && norm_eps < 1, source.c_str(), "norm epsilon " + std::to_string(norm_eps) + " out of range");
  if (uses_rope()) {
    // Real bases are 1e4 to 1e7; an infinite one would make every angle NaN.
    LF_CHECK(std::isfinite(rope_theta) && rope_theta > 0 && rope_theta <= kMaxRopeTheta, source.c_str(),
             "rope theta must be a finite number in (0, 1e12], got " + std::to_string(rope_theta));
    const std::int64_t rot = rotary_dim ? rotary_dim : head_dim;
    LF_CHECK(rot % 2 == 0 && rot <= head_dim, source.c_str(),
          "rotary dimension " + std::to_string(rot) + " must be even and <= head_dim " + std::to_string(head_dim));
  }
}

std::string ModelConfig::summary() const {
  std::string s = std::string(architecture_name(arch)) + ": " + std::to_string(n_layers) + " layers, width " +
                  std::to_string(n_embd) + ", " + std::to_string(n_heads) + " heads / " + std::to_string(n_kv_heads) +
                  " kv heads of " + std::to_string(head_dim) + ", feed-forward " + std::to_string(n_ff) + ", vocab " +
                  std::to_string(vocab_size) + ", trained context " + std::to_string(n_ctx_train);
  if (uses_rope())
    s += ", rope theta " + std::to_string(static_cast<long long>(rope_theta)) +
         (rope_layout == RopeLayout::Interleaved ? " (interleaved)" : " (rotate-half)");
  return s;
}

}  // namespace lf
