// Sampling on the device: the top-k candidates, then one thread applies
// temperature, top-p and min-p in double and picks with a uniform number
// the host drew. Only the chosen id leaves the GPU.
//  * k <= kTopkRoundsMaxK (argmax is k = 1): k rounds of a block-wide "best
//    candidate after the previous winner" per chunk of the vocabulary, then
//    the same over the chunks' candidates in one block.
//  * larger k: each block bitonic-sorts a chunk of kTopkSortChunk entries
//    in shared memory and keeps its k best; levels repeat over the kept
//    candidates until one block remains (150k vocabulary, k = 40: 74, then 2,
//    then 1 block).
//
// Candidates are ordered as lf::Sampler orders them: by logit descending,
// ties by smaller id. NaN logits are skipped (the CPU sampler throws).
#pragma once

#include "cuda_compat.cuh"

namespace lf::kernels::inline LF_CUDA_FLAVOUR {

inline constexpr int kSampleMaxTopK = 128;
inline constexpr int kTopkThreads = 256;
inline constexpr int kTopkChunk = 4096;  // vocabulary entries per first-pass block (rounds)
inline constexpr int kTopkRoundsMaxK = 4;
inline constexpr int kTopkSortChunk = 2048;  // entries per sorting block: 16 KiB of shared memory

/// A candidate: id < 0 is "none", worse than any real one.
__device__ __forceinline__ bool better_candidate(float va, int ia, float vb, int ib) {
  if (ia < 0) return false;
  if (ib < 0) return true;
  return va > vb || (va == vb && ia < ib);
}

/// Block-wide best candidate (blockDim.x a multiple of 32); every thread
/// gets it. Scratch: 32 floats and 32 ints of shared memory.
__device__ __forceinline__ void block_best(float& v, int& id, float* sv, int* si) {
  for (int o = 16; o > 0; o /= 2) {
    const float ov = __shfl_xor_sync(kFullWarpMask, v, o);
    const int oi = __shfl_xor_sync(kFullWarpMask, id, o);
    if (better_candidate(ov, oi, v, id)) v = ov, id = oi;
  }
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
  if (lane == 0) sv[warp] = v, si[warp] = id;
  __syncthreads();
  v = lane < warps ? sv[lane] : 0.0f;
  id = lane < warps ? si[lane] : -1;
  for (int o = 16; o > 0; o /= 2) {
    const float ov = __shfl_xor_sync(kFullWarpMask, v, o);
    const int oi = __shfl_xor_sync(kFullWarpMask, id, o);
    if (better_candidate(ov, oi, v, id)) v = ov, id = oi;
  }
  __syncthreads();  // scratch free for the next round
}

/// The k best of entries [blockIdx.x·chunk, +chunk) of n, best first, to
/// out_val/out_id[blockIdx.x·k ...] (id -1 past the end when fewer exist).
/// ids null: an entry's id is its index. k rounds, each finding the best
/// entry strictly after the previous round's winner in candidate order.
__global__ void topk_kernel(const float* vals, const int* ids, int n, int chunk, int k, float* out_val, int* out_id) {
  __shared__ float sv[32];
  __shared__ int si[32];
  const long long begin = static_cast<long long>(blockIdx.x) * chunk;
  const long long end = begin + chunk < n ? begin + chunk : n;
  float prev_v = 0.0f;
  int prev_id = -1;
  for (int round = 0; round < k; ++round) {
    float best_v = 0.0f;
    int best_id = -1;
    for (long long e = begin + threadIdx.x; e < end; e += blockDim.x) {
      const float v = vals[e];
      const int id = ids ? ids[e] : static_cast<int>(e);
      if (id < 0 || v != v) continue;  // none, or NaN
      if (round > 0 && (prev_id < 0 || !better_candidate(prev_v, prev_id, v, id))) continue;
      if (better_candidate(v, id, best_v, best_id)) best_v = v, best_id = id;
    }
    block_best(best_v, best_id, sv, si);
    if (threadIdx.x == 0) {
      out_val[static_cast<long long>(blockIdx.x) * k + round] = best_v;
      out_id[static_cast<long long>(blockIdx.x) * k + round] = best_id;
    }
    prev_v = best_v;
    prev_id = best_id;
  }
}

/// Sorts entries [blockIdx.x·kTopkSortChunk, +chunk) of n best-first
/// (bitonic network in shared memory; past-the-end and NaN entries are
/// "none", id -1, and sort last) and writes the k best to
/// out_val/out_id[blockIdx.x·k ...]. ids null: an entry's id is its index.
__global__ void topk_sort_kernel(const float* vals, const int* ids, int n, int k, float* out_val, int* out_id) {
  __shared__ float sv[kTopkSortChunk];
  __shared__ int si[kTopkSortChunk];
  const long long begin = static_cast<long long>(blockIdx.x) * kTopkSortChunk;
  for (int e = threadIdx.x; e < kTopkSortChunk; e += blockDim.x) {
    const long long g = begin + e;
    float v = 0.0f;
    int id = -1;
    if (g < n) {
      v = vals[g];
      id = ids ? ids[g] : static_cast<int>(g);
      if (v != v) id = -1;  // NaN
    }
    sv[e] = v;
    si[e] = id;
  }
  __syncthreads();
  for (int size = 2; size <= kTopkSortChunk; size *= 2)
    for (int stride = size / 2; stride > 0; stride /= 2) {
      for (int t = threadIdx.x; t < kTopkSortChunk / 2; t += blockDim.x) {
        const int i = 2 * stride * (t / stride) + t % stride, j = i + stride;
        // Subsequences with (i & size) == 0 go best-first, the others
        // worst-first, so that each pair of them forms a bitonic sequence.
        const bool best_first = (i & size) == 0;
        const bool swap = best_first ? better_candidate(sv[j], si[j], sv[i], si[i])
                                     : better_candidate(sv[i], si[i], sv[j], si[j]);
        if (swap) {
          const float tv = sv[i];
          sv[i] = sv[j], sv[j] = tv;
          const int ti = si[i];
          si[i] = si[j], si[j] = ti;
        }
      }
      __syncthreads();
    }
  for (int e = threadIdx.x; e < k; e += blockDim.x) {
    out_val[static_cast<long long>(blockIdx.x) * k + e] = sv[e];
    out_id[static_cast<long long>(blockIdx.x) * k + e] = si[e];
  }
}

struct SamplePick {
  int k;              // candidates, best first (id -1: none)
  float temperature;  // <= 0: the best candidate
  float top_p, min_p;
  double uniform;  // in [0, 1)
};

/// One thread: lf::Sampler's arithmetic over the sorted candidates.
__global__ void sample_pick_kernel(const float* vals, const int* ids, SamplePick s, int* out_id) {
  __shared__ double prob[kSampleMaxTopK];
  if (threadIdx.x != 0) return;
  int keep = 0;
  while (keep < s.k && ids[keep] >= 0) ++keep;
  if (keep == 0) {  // nothing but NaN
    *out_id = -1;
    return;
  }
  const double top = vals[0];
  if (s.temperature <= 0.0f || (isinf(top) && top > 0)) {
    *out_id = ids[0];
    return;
  }
  double sum = 0.0;
  for (int i = 0; i < keep; ++i) {
    const float v = vals[i];
    prob[i] = isinf(v) && v < 0 ? 0.0 : exp((v - top) / s.temperature);
    sum += prob[i];
  }
  for (int i = 0; i < keep; ++i) prob[i] /= sum;
  if (s.top_p < 1.0f) {  // smallest prefix with mass >= top_p
    double mass = 0.0;
    for (int i = 0; i < keep; ++i) {
      mass += prob[i];
      if (mass >= s.top_p) {
        keep = i + 1;
        break;
      }
    }
  }
  if (s.min_p > 0.0f) {
    const double floor = s.min_p * prob[0];
    int cut = 1;
    while (cut < keep && prob[cut] >= floor) ++cut;
    keep = cut;
  }
  double total = 0.0;
  for (int i = 0; i < keep; ++i) total += prob[i];
  const double u = s.uniform * total;
  double acc = 0.0;
  for (int i = 0; i < keep; ++i) {
    acc += prob[i];
    if (u < acc) {
      *out_id = ids[i];
      return;
    }
  }
  *out_id = ids[keep - 1];
}

}  // namespace lf::kernels
