// RMSNorm: one block per row, a block-wide sum of squares.
#pragma once

#include "block_reduce.cuh"

namespace lf::kernels::inline LF_CUDA_FLAVOUR {

/// Grid: one block per row; block: a multiple of 32 threads, each striding
/// over the row. x may alias out: every thread reads and writes only its
/// own columns, and all reads of the sum happen before the barrier inside
/// block_sum.
__global__ void rms_norm_kernel(const float* x, const float* weight, float* out, int cols, float eps) {
  __shared__ float scratch[32];
  const long long row = blockIdx.x;
  const float* in = x + row * cols;
  float* y = out + row * cols;
  float squares = 0.0f;
  for (int j = threadIdx.x; j < cols; j += blockDim.x) squares += in[j] * in[j];
  const float inv = rsqrtf(block_sum(squares, scratch) / static_cast<float>(cols) + eps);
  for (int j = threadIdx.x; j < cols; j += blockDim.x) y[j] = in[j] * inv * weight[j];
}

}  // namespace lf::kernels
