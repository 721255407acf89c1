// Model weights in the layout the forward pass uses.
#pragma once

#include <vector>

#include "liveformer/core/tensor.hpp"

namespace lf {

/// One transformer block. Matrices are [out, in] (Linear layout). Unused
/// entries stay undefined: GPT-2 has `wqkv` and biases, Llama separate
/// q/k/v and a gated feed-forward, Qwen2 adds q/k/v biases.
struct LayerWeights {
  Tensor attn_norm, attn_norm_bias;
  Tensor wqkv, bqkv;             // fused [(Hq + 2 Hkv) D, E]
  Tensor wq, bq, wk, bk, wv, bv;  // separate
  Tensor wo, bo;
  Tensor ffn_norm, ffn_norm_bias;
  Tensor w_gate;                 // [F, E], SwiGLU only
  Tensor w_up, b_up;             // [F, E]
  Tensor w_down, b_down;         // [E, F]
};

struct ModelWeights {
  Tensor token_embd;     // [V, E]
  Tensor position_embd;  // [n_ctx_train, E], GPT-2 only
  std::vector<LayerWeights> layers;
  Tensor output_norm, output_norm_bias;
  Tensor output;         // [V, E]; the same storage as token_embd when tied
};

}  // namespace lf
