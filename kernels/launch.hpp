// Host entry points of the CUDA kernels: plain C++, so the (future) CUDA
// backend compiled by the host compiler can call them. Pointers are device
// pointers in the real build and host pointers in the emulated build (the
// tests). Each throws lf::Error naming the op for bad arguments or a failed
// launch. Launches are asynchronous on a GPU, as CUDA launches are.
#pragma once

#include <cstdint>

struct CUstream_st;  // = cudaStream_t's pointee, without the CUDA headers

namespace lf::kernels {

/// A CUDA stream (cudaStream_t); nullptr is the default stream.
using Stream = CUstream_st*;

/// out = x / sqrt(mean(x²) + eps) * weight per row, as lf::rms_norm.
/// x, out: [rows, cols] contiguous f32 (out may equal x); weight: [cols].
void rms_norm(const float* x, const float* weight, float* out, std::int64_t rows, std::int64_t cols, float eps,
              Stream stream = nullptr);

/// What lf::SoftmaxOptions says, for flat pointers.
struct SoftmaxParams {
  float scale = 1.0f;
  /// Additive mask of [mask_rows, cols]; input row r uses mask row
  /// r % mask_rows (so [Q, N] broadcasts over heads). nullptr: no mask.
  const float* mask = nullptr;
  std::int64_t mask_rows = 1;
  /// Causal: row r is query r % q_len and sees columns j <= r % q_len + causal_offset.
  bool causal = false;
  std::int64_t q_len = 1;
  std::int64_t causal_offset = 0;
};

/// out = softmax(scale * x + mask) per row, rows with nothing visible give
/// zeros, as lf::softmax. x, out: [rows, cols] contiguous f32 (out may equal x).
void softmax(const float* x, float* out, std::int64_t rows, std::int64_t cols, const SoftmaxParams& params,
             Stream stream = nullptr);

/// out = x · sigmoid(x), n elements (out may equal x).
void silu(const float* x, float* out, std::int64_t n, Stream stream = nullptr);

/// out = silu(gate) · up, n elements (out may equal gate or up).
void swiglu(const float* gate, const float* up, float* out, std::int64_t n, Stream stream = nullptr);

}  // namespace lf::kernels
