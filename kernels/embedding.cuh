// Token embedding gather: one block per token, the row widened to f32.
#pragma once

#include "convert.cuh"

namespace lf::kernels::inline LF_CUDA_FLAVOUR {

/// out[t, :] = table[ids[t], :]. An id outside [0, vocab) cannot throw on a
/// GPU: its row becomes zeros and *bad_id (if given) is set to 1, which the
/// host reads back and reports.
template <class T>
__global__ void embedding_kernel(const T* table, const int* ids, float* out, int vocab, int cols, int* bad_id) {
  const long long token = blockIdx.x;
  const int id = ids[token];
  float* y = out + token * cols;
  if (id < 0 || id >= vocab) {
    for (int j = threadIdx.x; j < cols; j += blockDim.x) y[j] = 0.0f;
    if (threadIdx.x == 0 && bad_id) atomicMax(bad_id, 1);
    return;
  }
  const T* row = table + static_cast<long long>(id) * cols;
  for (int j = threadIdx.x; j < cols; j += blockDim.x) y[j] = to_float(row[j]);
}

}  // namespace lf::kernels
