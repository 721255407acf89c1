// Scaled dot-product attention with grouped-query heads.
#pragma once

#include <cstdint>
#include <optional>

#include "liveformer/core/tensor.hpp"
#include "liveformer/core/thread_pool.hpp"

namespace lf {

struct AttentionOptions {
  /// Score scale; default 1/sqrt(head_dim).
  std::optional<float> scale;
  /// Query i (of Tq) may see key j (of Tk) when j <= i + causal_offset.
  /// The default offset, Tk - Tq, is what a decode or prefill step against a
  /// KV cache holding earlier tokens needs.
  bool causal = false;
  std::optional<std::int64_t> causal_offset;
  /// Additive mask broadcastable to [Hq, Tq, Tk] (e.g. [Tq, Tk]).
  Tensor mask;
};

/// out = softmax(q kᵀ · scale + mask) v, per head.
///   q:   f32 [Tq, Hq, D]      (token-major, as projections produce it)
///   k:   f32, f16, bf16 or q8_0 [Tk, Hkv, D]     (a KV cache's layout;
///        q8_0 blocks run along D, so D must be a multiple of 32)
///   v:   f32, f16, bf16 or q8_0 [Tk, Hkv, Dv]
///   out: f32 [Tq, Hq, Dv], contiguous
/// Hkv must divide Hq: query head h reads KV head h / (Hq / Hkv) (grouped-
/// query attention; Hkv = 1 is multi-query). Tq may differ from Tk. Rows
/// of q/k/v may be strided (views into a larger buffer), the innermost
/// dimension must be contiguous. A query that can see no key gets zeros.
///
/// Computed in tiles with an online softmax: memory is O(tile) per thread,
/// never Tq x Tk. pool / threads: (head, query block) tasks split over up
/// to `threads` threads of `pool`; the split does not change the result.
void scaled_dot_product_attention(const Tensor& q, const Tensor& k, const Tensor& v, Tensor& out,
                                  const AttentionOptions& options = {}, ThreadPool* pool = nullptr, int threads = 0);

}  // namespace lf
