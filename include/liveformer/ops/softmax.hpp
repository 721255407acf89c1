// Row-wise softmax with the masking attention needs.
#pragma once

#include <cstdint>

#include "liveformer/core/tensor.hpp"

namespace lf {

struct SoftmaxOptions {
  /// Multiplies the logits before the softmax (e.g. 1/sqrt(head_dim)).
  float scale = 1.0f;
  /// Additive mask, broadcastable to the input (e.g. [Q, N] for input
  /// [H, Q, N]); -inf entries exclude positions. Undefined: no mask.
  Tensor mask;
  /// Causal masking over the last two dimensions [Q, N]: row i may see
  /// columns j <= i + causal_offset.
  bool causal = false;
  std::int64_t causal_offset = 0;
};

/// out = softmax(scale * x + mask) over the last dimension, computed stably
/// (the row maximum is subtracted first). A row whose every entry is masked
/// yields zeros, not NaN. x, out: f32, same shape, contiguous; out may be x.
void softmax(const Tensor& x, Tensor& out, const SoftmaxOptions& options = {});

}  // namespace lf
