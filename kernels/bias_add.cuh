// Bias add broadcast over rows: out[r, c] = x[r, c] + bias[c], for
// projections whose bias is not fused into a following activation (e.g.
// Qwen2's q/k/v projections). Grid-stride.
#pragma once

#include "cuda_compat.cuh"

namespace lf::kernels::inline LF_CUDA_FLAVOUR {

/// out may alias x.
__global__ void bias_add_kernel(const float* x, const float* bias, float* out, long long n, int cols) {
  const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
  for (long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride)
    out[i] = x[i] + bias[i % cols];
}

}  // namespace lf::kernels
