// f32 -> f16 / bf16 narrowing of activations (round to nearest even), so
// prefill products with f16/bf16 weights can go to cublasGemmEx with both
// operands in 16 bits. Grid-stride.
#pragma once

#include "cuda_compat.cuh"

namespace lf::kernels::inline LF_CUDA_FLAVOUR {

template <class T>
__device__ __forceinline__ T narrow_from(float v);
template <>
__device__ __forceinline__ __half narrow_from<__half>(float v) {
  return __float2half_rn(v);
}
template <>
__device__ __forceinline__ __nv_bfloat16 narrow_from<__nv_bfloat16>(float v) {
  return __float2bfloat16_rn(v);
}

template <class T>
__global__ void narrow_kernel(const float* x, T* out, long long n) {
  const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
  for (long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride)
    out[i] = narrow_from<T>(x[i]);
}

}  // namespace lf::kernels
