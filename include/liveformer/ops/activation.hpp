// Element-wise activations.
#pragma once

#include "liveformer/core/tensor.hpp"

namespace lf {

enum class GeluApprox {
  Tanh,  // 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))), GPT-2's "gelu_new"
  Erf,   // 0.5x(1 + erf(x/√2)), exact
};

/// x, out: f32, same shape, contiguous; out may be x (for all three).
void gelu(const Tensor& x, Tensor& out, GeluApprox approx = GeluApprox::Tanh);

/// out = x · sigmoid(x)
void silu(const Tensor& x, Tensor& out);

/// out = silu(gate) · up: the gated feed-forward of Llama-family models.
/// gate, up, out: same shape.
void swiglu(const Tensor& gate, const Tensor& up, Tensor& out);

}  // namespace lf
