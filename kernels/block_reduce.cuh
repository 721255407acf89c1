// Warp and block reductions (sum, max) with warp shuffles and a 32-float
// shared-memory scratch: the building block of the row kernels.
#pragma once

#include "cuda_compat.cuh"

namespace lf::kernels::inline LF_CUDA_FLAVOUR {

/// Sum over the 32 lanes of a full warp; every lane gets the total.
__device__ __forceinline__ float warp_sum(float v) {
  for (int offset = 16; offset > 0; offset /= 2) v += __shfl_xor_sync(kFullWarpMask, v, offset);
  return v;
}

/// Maximum over the 32 lanes of a full warp; every lane gets it.
__device__ __forceinline__ float warp_max(float v) {
  for (int offset = 16; offset > 0; offset /= 2) v = fmaxf(v, __shfl_xor_sync(kFullWarpMask, v, offset));
  return v;
}

/// Reduces `v` over the whole block (blockDim.x a multiple of 32, y = z = 1)
/// and returns the result in every thread. `scratch`: 32 floats of shared
/// memory, free for reuse when this returns. Every thread must call it.
template <class WarpReduce>
__device__ __forceinline__ float block_reduce(float v, float* scratch, float identity, WarpReduce warp_reduce) {
  const unsigned lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
  v = warp_reduce(v);
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  // Every warp reduces the per-warp partials itself, so no broadcast (and no
  // third barrier) is needed.
  v = warp_reduce(lane < warps ? scratch[lane] : identity);
  __syncthreads();  // the caller may reuse scratch right away
  return v;
}

__device__ __forceinline__ float block_sum(float v, float* scratch) {
  return block_reduce(v, scratch, 0.0f, [](float x) { return warp_sum(x); });
}

__device__ __forceinline__ float block_max(float v, float* scratch) {
  return block_reduce(v, scratch, -INFINITY, [](float x) { return warp_max(x); });
}

}  // namespace lf::kernels
