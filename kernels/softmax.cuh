// Row softmax with scale, additive mask and causal mask: one block per row.
#pragma once

#include "block_reduce.cuh"

namespace lf::kernels::inline LF_CUDA_FLAVOUR {

/// Everything the kernel needs besides the pointers (launch.hpp's
/// SoftmaxParams with the mask pointer split off and 32-bit sizes).
struct SoftmaxShape {
  int cols;
  int mask_rows;  // input row r uses mask row r % mask_rows
  int q_len;      // causal: row r is query r % q_len
  long long causal_offset;
  float scale;
  bool causal;
  bool cache_row;  // the row's exponentials fit in dynamic shared memory
};

/// Three passes over a row: max of the logits, sum of exp(logit - max),
/// normalise. With cache_row the logits, then their exponentials, stay in
/// dynamic shared memory (cols floats) instead of being recomputed from
/// global memory. Each thread touches only its own columns of the cache and
/// of `out`, so out may alias x. A row with nothing visible gets zeros.
__global__ void softmax_kernel(const float* x, const float* mask, float* out, SoftmaxShape s) {
  __shared__ float scratch[32];
  LF_DYNAMIC_SHARED(float, cache);
  const long long row = blockIdx.x;
  const float* in = x + row * s.cols;
  const float* m = mask ? mask + (row % s.mask_rows) * s.cols : nullptr;
  float* y = out + row * s.cols;

  long long visible = s.cols;
  if (s.causal) {
    const long long limit = row % s.q_len + s.causal_offset + 1;
    visible = limit < 0 ? 0 : (limit < s.cols ? limit : s.cols);
  }
  const int n = static_cast<int>(visible);
  auto logit = [&](int j) { return m ? in[j] * s.scale + m[j] : in[j] * s.scale; };

  float local_max = -INFINITY;
  for (int j = threadIdx.x; j < n; j += blockDim.x) {
    const float v = logit(j);
    if (s.cache_row) cache[j] = v;
    local_max = fmaxf(local_max, v);
  }
  const float row_max = block_max(local_max, scratch);
  if (row_max == -INFINITY) {  // the same in every thread: no barrier follows
    for (int j = threadIdx.x; j < s.cols; j += blockDim.x) y[j] = 0.0f;
    return;
  }

  float local_sum = 0.0f;
  for (int j = threadIdx.x; j < n; j += blockDim.x) {
    const float e = expf((s.cache_row ? cache[j] : logit(j)) - row_max);
    if (s.cache_row) cache[j] = e;
    local_sum += e;
  }
  const float inv = 1.0f / block_sum(local_sum, scratch);
  for (int j = threadIdx.x; j < s.cols; j += blockDim.x)
    y[j] = j < n ? (s.cache_row ? cache[j] : expf(logit(j) - row_max)) * inv : 0.0f;
}

}  // namespace lf::kernels
