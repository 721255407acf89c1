// Residual add: out = a + b, element-wise, grid-stride.
#pragma once

#include "cuda_compat.cuh"

namespace lf::kernels::inline LF_CUDA_FLAVOUR {

/// out may alias a or b (each element is read and written by one thread).
__global__ void residual_add_kernel(const float* a, const float* b, float* out, long long n) {
  const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
  for (long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride)
    out[i] = a[i] + b[i];
}

}  // namespace lf::kernels
