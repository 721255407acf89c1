// SiLU and SwiGLU: element-wise, grid-stride loops.
#pragma once

#include "cuda_compat.cuh"

namespace lf::kernels::inline LF_CUDA_FLAVOUR {

__device__ __forceinline__ float silu_value(float v) { return v / (1.0f + expf(-v)); }

/// out[i] = silu(x[i]); any grid covers n through the grid-stride loop.
__global__ void silu_kernel(const float* x, float* out, long long n) {
  const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
  for (long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride)
    out[i] = silu_value(x[i]);
}

/// out[i] = silu(gate[i]) · up[i].
__global__ void swiglu_kernel(const float* gate, const float* up, float* out, long long n) {
  const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
  for (long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride)
    out[i] = silu_value(gate[i]) * up[i];
}

/// out[i] = silu(gate[i] + gate_bias[c]) · (up[i] + up_bias[c]), c = i % cols:
/// SwiGLU fused with the biases of the gate and up projections (either may
/// be null).
__global__ void swiglu_bias_kernel(const float* gate, const float* gate_bias, const float* up, const float* up_bias,
                                   float* out, long long n, int cols) {
  const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
  for (long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const int c = static_cast<int>(i % cols);
    const float g = gate_bias ? gate[i] + gate_bias[c] : gate[i];
    const float u = up_bias ? up[i] + up_bias[c] : up[i];
    out[i] = silu_value(g) * u;
  }
}

}  // namespace lf::kernels
