// Matrix products: the GEMM behind every projection.
#pragma once

#include "liveformer/core/tensor.hpp"

namespace lf {

/// out = a · bᵀ   (transpose_b = true, the default: weights stored [out, in])
/// out = a · b    (transpose_b = false)
///
/// a: f32 [..., K] (leading dimensions are flattened into M rows; rows may
///    be strided, the inner dimension must be contiguous)
/// b: f32 [N, K] (or [K, N] when !transpose_b), contiguous
/// out: f32 [..., N] with a's leading dimensions, contiguous; must not alias
///    a or b.
void matmul(const Tensor& a, const Tensor& b, Tensor& out, bool transpose_b = true);

/// out = x · wᵀ + bias: a Linear layer. w: [N, K]; bias: [N] or undefined.
void linear(const Tensor& x, const Tensor& w, const Tensor& bias, Tensor& out);

}  // namespace lf
