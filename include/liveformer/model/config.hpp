// ModelConfig: the hyperparameters an architecture's forward pass needs.
#pragma once

#include <cstdint>
#include <string>

#include "liveformer/ops/rope.hpp"

namespace lf {

enum class Architecture {
  gpt2,   ///< learned positions, LayerNorm, GELU (tanh), fused QKV, tied output
  llama,  ///< RMSNorm, RoPE, SwiGLU, grouped-query attention (Llama, TinyLlama, SmolLM, tinyllamas)
  qwen2,  ///< llama + q/k/v biases, rope theta 1e6
};

/// "gpt2", "llama" or "qwen2".
const char* architecture_name(Architecture a);

struct ModelConfig {
  Architecture arch = Architecture::llama;
  std::int64_t vocab_size = 0;
  std::int64_t n_embd = 0;         ///< hidden width E
  std::int64_t n_layers = 0;
  std::int64_t n_heads = 0;
  std::int64_t n_kv_heads = 0;     ///< divides n_heads
  std::int64_t head_dim = 0;       ///< usually n_embd / n_heads
  std::int64_t n_ff = 0;           ///< feed-forward width
  std::int64_t n_ctx_train = 0;    ///< context length the model was trained for
  float norm_eps = 1e-5f;          ///< LayerNorm / RMSNorm epsilon
  float rope_theta = 10000.0f;     ///< validate(): finite, in (0, kMaxRopeTheta]
  static constexpr float kMaxRopeTheta = 1e12f;
  RopeLayout rope_layout = RopeLayout::Interleaved;
  std::int64_t rotary_dim = 0;     ///< 0: the whole head
  bool tied_output = false;        ///< output projection shares token_embd

  bool uses_rope() const { return arch != Architecture::gpt2; }
  /// Throws lf::Error naming `source` if a size is missing, non-positive or
  /// inconsistent (e.g. kv heads not dividing heads).
  void validate(const std::string& source) const;
  std::string summary() const;
};

}  // namespace lf
