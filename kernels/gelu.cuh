// GELU (tanh approximation or exact erf) fused with the preceding bias add
// (GPT-2's MLP: gelu(x·W + b)): one read and one write per element instead
// of two of each.
#pragma once

#include "cuda_compat.cuh"

namespace lf::kernels::inline LF_CUDA_FLAVOUR {

__device__ __forceinline__ float gelu_tanh(float v) {
  constexpr float kSqrt2OverPi = 0.7978845608028654f;
  return 0.5f * v * (1.0f + tanhf(kSqrt2OverPi * (v + 0.044715f * v * v * v)));
}
__device__ __forceinline__ float gelu_erf(float v) {
  constexpr float kInvSqrt2 = 0.7071067811865476f;
  return 0.5f * v * (1.0f + erff(v * kInvSqrt2));
}

/// out[i] = gelu(x[i] + bias[i % cols]) (bias may be null); grid-stride.
__global__ void gelu_kernel(const float* x, const float* bias, float* out, long long n, int cols, bool exact) {
  const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
  for (long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const float v = bias ? x[i] + bias[i % cols] : x[i];
    out[i] = exact ? gelu_erf(v) : gelu_tanh(v);
  }
}

}  // namespace lf::kernels
