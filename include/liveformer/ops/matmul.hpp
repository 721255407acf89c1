// Matrix products: the GEMM behind every projection.
#pragma once

#include "liveformer/core/tensor.hpp"
#include "liveformer/core/thread_pool.hpp"
#include "liveformer/ops/packed_matmul.hpp"

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

/// out = x · wᵀ + bias: a Linear layer. w: [N, K] stored as f32, f16,
/// bf16, q8_0 or q4_0 (read in place by matmul_weights, so the result is
/// batch-invariant); bias: f32 [N] or undefined. pool / threads as in
/// matmul_weights.
/// With `packed` (a PackedWeights copy of w), the product runs on it instead.
void linear(const Tensor& x, const Tensor& w, const Tensor& bias, Tensor& out, ThreadPool* pool = nullptr,
            int threads = 0, const PackedWeights* packed = nullptr);

}  // namespace lf
