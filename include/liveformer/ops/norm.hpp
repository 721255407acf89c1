// Normalisations over the last dimension.
#pragma once

#include "liveformer/core/tensor.hpp"

namespace lf {

/// out = (x - mean) / sqrt(var + eps) * weight + bias, per row of the last
/// dimension D (biased variance, as PyTorch). weight: [D]; bias: [D] or
/// undefined. x, out: f32 [..., D], contiguous; out may be x.
void layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, float eps, Tensor& out);

/// out = x / sqrt(mean(x²) + eps) * weight, per row. weight: [D].
/// x, out: f32 [..., D], contiguous; out may be x.
void rms_norm(const Tensor& x, const Tensor& weight, float eps, Tensor& out);

}  // namespace lf
