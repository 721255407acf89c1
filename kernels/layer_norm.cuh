// LayerNorm: one block per row, two block reductions (mean, then the centred
// sum of squares: a one-pass E[x²] - E[x]² loses the spread when the mean is
// large compared with it).
#pragma once

#include "block_reduce.cuh"

namespace lf::kernels::inline LF_CUDA_FLAVOUR {

/// y = (x - mean) / sqrt(var + eps) · weight + bias (bias may be null).
/// x may alias out: each thread reads and writes only its own columns, and
/// all reads that feed the reductions happen before their barriers.
__global__ void layer_norm_kernel(const float* x, const float* weight, const float* bias, float* out, int cols,
                                  float eps) {
  __shared__ float scratch[32];
  const long long row = blockIdx.x;
  const float* in = x + row * cols;
  float* y = out + row * cols;
  float sum = 0.0f;
  for (int j = threadIdx.x; j < cols; j += blockDim.x) sum += in[j];
  const float mean = block_sum(sum, scratch) / static_cast<float>(cols);
  float squares = 0.0f;
  for (int j = threadIdx.x; j < cols; j += blockDim.x) {
    const float c = in[j] - mean;
    squares += c * c;
  }
  const float inv = rsqrtf(block_sum(squares, scratch) / static_cast<float>(cols) + eps);
  for (int j = threadIdx.x; j < cols; j += blockDim.x)
    y[j] = (in[j] - mean) * inv * weight[j] + (bias ? bias[j] : 0.0f);
}

}  // namespace lf::kernels
