// Model weights in the layout the forward pass uses.
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "liveformer/core/tensor.hpp"
#include "liveformer/ops/packed_matmul.hpp"

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

  /// Copies of matrices rearranged for a faster kernel (PackedWeights),
  /// keyed by the stored tensor's data; the forward pass uses a matrix's
  /// packed copy when there is one. Empty unless LoadOptions::pack.
  std::map<const std::byte*, std::shared_ptr<const PackedWeights>> packed;

  /// The packed copy of `w`, or null.
  const PackedWeights* packed_for(const Tensor& w) const {
    const auto it = w.defined() ? packed.find(w.bytes()) : packed.end();
    return it == packed.end() ? nullptr : it->second.get();
  }
};

}  // namespace lf
