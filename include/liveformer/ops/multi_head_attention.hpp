// A whole self-attention block: projections, heads, output projection.
#pragma once

#include <cstdint>

#include "liveformer/core/tensor.hpp"
#include "liveformer/ops/attention.hpp"

namespace lf {

/// Weights in Linear layout ([out_features, in_features]). Either the fused
/// `qkv` ([(Hq + 2·Hkv)·D, E], rows ordered q, k, v: GPT-2's c_attn once
/// transposed from HF's Conv1D) or the separate q, k, v (Llama). Biases are
/// optional (undefined tensors).
struct AttentionWeights {
  Tensor qkv, qkv_bias;
  Tensor q, q_bias, k, k_bias, v, v_bias;
  Tensor o, o_bias;
};

struct MultiHeadAttentionConfig {
  std::int64_t n_heads = 0;
  std::int64_t n_kv_heads = 0;  // 0: same as n_heads
  std::int64_t head_dim = 0;    // 0: embedding width / n_heads
  AttentionOptions attention;   // scale, causal, mask
};

/// Self-attention over x: f32 [T, E] -> out: f32 [T, E_out] where E_out is
/// the output projection's width. Allocates its intermediates; the model
/// forward pass uses the individual ops over a preallocated arena instead.
void multi_head_attention(const Tensor& x, const AttentionWeights& weights, const MultiHeadAttentionConfig& config,
                          Tensor& out);

}  // namespace lf
