// Attention, FlashAttention-2 style (SIMT): a tile of query rows against
// streamed tiles of K/V in shared memory with an online softmax, so the
// Tq x Tk score matrix is never materialised. The same kernel serves
// prefill and decode:
//  * rows are (query token, head of the group) pairs of one KV head, so a
//    K/V tile in shared memory serves all Hq/Hkv query heads that read it
//    (grouped-query attention: each KV head is read once per group, not
//    once per query head);
//  * the keys may be split over gridDim.z (flash-decoding): each split
//    writes an unnormalised partial result with its running max and sum,
//    and attention_combine_kernel reduces the splits in a second pass.
// Causal masking skips whole tiles past the block's last visible key and
// masks element-wise only where a tile straddles the diagonal.
#pragma once

#include "block_reduce.cuh"
#include "convert.cuh"

namespace lf::kernels::inline LF_CUDA_FLAVOUR {

struct AttentionShape {
  int tq, tk, hq, hkv, d, dv;
  long long q_stride, k_stride, v_stride;  // elements between consecutive tokens
  float scale;
  bool causal;
  long long causal_offset;  // query t sees key j <= t + causal_offset
  const float* mask;        // additive, mask[h·mask_h + t·mask_q + j·mask_k], or null
  long long mask_h, mask_q, mask_k;
  int keys_per_split;  // a multiple of the key tile
  int splits;          // gridDim.z; > 1 writes partial results
};

inline constexpr int kAttentionRowsPerWarp = 4;

/// Key-tile size and K-row padding of an instance: head dims up to 128 use
/// 32-key tiles (one key per lane) with K rows padded by one float so lanes
/// reading different keys hit different banks; the generic instance (up
/// to 256) halves the tile and drops the padding to fit 48 KiB.
template <int kMaxD>
struct AttentionTile {
  static constexpr int keys = kMaxD > 128 ? 16 : 32;
  static constexpr int pad = kMaxD > 128 ? 0 : 1;
  static constexpr int max_warps = kMaxD > 128 ? 2 : 4;
  static constexpr int dims_per_lane = (kMaxD + 31) / 32;
};

/// Shared memory of a launch with `warps` warps: the Q tile (scaled), the K
/// and V tiles (widened to f32) and each warp's probabilities.
template <int kMaxD>
constexpr long long attention_shared_floats(int warps, int d, int dv) {
  using Tile = AttentionTile<kMaxD>;
  const long long rows = static_cast<long long>(warps) * kAttentionRowsPerWarp;
  return rows * d + Tile::keys * (d + Tile::pad) + Tile::keys * dv + rows * Tile::keys;
}

/// Grid: (row tiles, Hkv, splits); block: warps · 32 threads, each warp
/// owning kAttentionRowsPerWarp rows. In the score phase lane j computes the
/// scores of key j of the tile; in the output phase lane l accumulates
/// output dims l, l + 32, ... of each of its warp's rows.
template <class T, int kMaxD>
__global__ void attention_kernel(const float* q, const T* k, const T* v, float* out, float* partial,
                                 AttentionShape s) {
  using Tile = AttentionTile<kMaxD>;
  constexpr int kRows = kAttentionRowsPerWarp, kKeys = Tile::keys, kDims = Tile::dims_per_lane;
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
  const int group = s.hq / s.hkv, kvh = blockIdx.y;
  const int block_rows = warps * kRows, row0 = blockIdx.x * block_rows, total_rows = s.tq * group;
  const int ldk = s.d + Tile::pad;

  LF_DYNAMIC_SHARED(float, smem);
  float* qs = smem;                        // [block_rows][d]
  float* ks = qs + block_rows * s.d;       // [kKeys][ldk]
  float* vs = ks + kKeys * ldk;            // [kKeys][dv]
  float* ps = vs + kKeys * s.dv;           // [block_rows][kKeys]

  for (int e = threadIdx.x; e < block_rows * s.d; e += blockDim.x) {
    const int i = row0 + e / s.d, c = e % s.d;
    float val = 0.0f;
    if (i < total_rows) {
      const int t = i / group, h = kvh * group + i % group;
      val = q[t * s.q_stride + static_cast<long long>(h) * s.d + c] * s.scale;
    }
    qs[e] = val;
  }

  // This split's keys, cut at the last key the block's last row can see.
  const long long split_begin = static_cast<long long>(blockIdx.z) * s.keys_per_split;
  long long kv_end = split_begin + s.keys_per_split < s.tk ? split_begin + s.keys_per_split : s.tk;
  if (s.causal) {
    const int last_row = row0 + block_rows - 1 < total_rows - 1 ? row0 + block_rows - 1 : total_rows - 1;
    const long long limit = last_row / group + s.causal_offset + 1;
    if (limit < kv_end) kv_end = limit;
  }

  float m[kRows], l[kRows], acc[kRows][kDims];
  int t_of[kRows], h_of[kRows];
  bool valid[kRows];
  for (int r = 0; r < kRows; ++r) {
    const int i = row0 + warp * kRows + r;
    valid[r] = i < total_rows;
    t_of[r] = valid[r] ? i / group : 0;
    h_of[r] = kvh * group + (valid[r] ? i % group : 0);
    m[r] = -INFINITY;
    l[r] = 0.0f;
    for (int c = 0; c < kDims; ++c) acc[r][c] = 0.0f;
  }
  __syncthreads();  // the Q tile is in place

  for (long long tile = split_begin; tile < kv_end; tile += kKeys) {
    const int n_keys = kv_end - tile < kKeys ? static_cast<int>(kv_end - tile) : kKeys;
    const long long k_base = static_cast<long long>(kvh) * s.d, v_base = static_cast<long long>(kvh) * s.dv;
    for (int e = threadIdx.x; e < kKeys * s.d; e += blockDim.x) {
      const int j = e / s.d, c = e % s.d;
      ks[j * ldk + c] = j < n_keys ? to_float(k[(tile + j) * s.k_stride + k_base + c]) : 0.0f;
    }
    for (int e = threadIdx.x; e < kKeys * s.dv; e += blockDim.x) {
      const int j = e / s.dv, c = e % s.dv;
      vs[e] = j < n_keys ? to_float(v[(tile + j) * s.v_stride + v_base + c]) : 0.0f;
    }
    __syncthreads();  // K/V tile loaded

    for (int r = 0; r < kRows; ++r) {
      const int local = warp * kRows + r;
      float score = -INFINITY;
      const long long key = tile + lane;
      if (valid[r] && lane < n_keys && (!s.causal || key <= t_of[r] + s.causal_offset)) {
        const float* qr = qs + local * s.d;
        const float* kr = ks + lane * ldk;
        float dot = 0.0f;
        for (int c = 0; c < s.d; ++c) dot += qr[c] * kr[c];
        score = dot;
        if (s.mask) score += s.mask[h_of[r] * s.mask_h + t_of[r] * s.mask_q + key * s.mask_k];
      }
      const float tile_max = warp_max(score);
      const float new_max = fmaxf(m[r], tile_max);
      // Nothing visible yet: keep everything at zero (no exp(-inf - -inf)).
      const float p = new_max == -INFINITY ? 0.0f : expf(score - new_max);
      const float correction = new_max == -INFINITY ? 1.0f : expf(m[r] - new_max);
      l[r] = l[r] * correction + warp_sum(p);
      m[r] = new_max;
      if (lane < kKeys) ps[local * kKeys + lane] = p;
      for (int c = 0; c < kDims; ++c) acc[r][c] *= correction;
    }
    __syncwarp();  // the warp's probabilities are visible to all its lanes
    for (int r = 0; r < kRows; ++r) {
      const float* pr = ps + (warp * kRows + r) * kKeys;
      for (int j = 0; j < n_keys; ++j) {
        const float pj = pr[j];
        for (int c = 0; c < kDims; ++c) {
          const int col = lane + 32 * c;
          if (col < s.dv) acc[r][c] += pj * vs[j * s.dv + col];
        }
      }
    }
    __syncthreads();  // every warp is done with this K/V tile
  }

  for (int r = 0; r < kRows; ++r) {
    if (!valid[r]) continue;
    const long long out_row = static_cast<long long>(t_of[r]) * s.hq + h_of[r];
    if (s.splits == 1) {
      const float inv = l[r] > 0.0f ? 1.0f / l[r] : 0.0f;  // a row that saw no key gets zeros
      for (int c = 0; c < kDims; ++c) {
        const int col = lane + 32 * c;
        if (col < s.dv) out[out_row * s.dv + col] = acc[r][c] * inv;
      }
    } else {
      // partial: [splits][tq·hq][dv] accumulators, then [splits][tq·hq][2] (max, sum).
      const long long part = static_cast<long long>(blockIdx.z) * s.tq * s.hq + out_row;
      for (int c = 0; c < kDims; ++c) {
        const int col = lane + 32 * c;
        if (col < s.dv) partial[part * s.dv + col] = acc[r][c];
      }
      if (lane == 0) {
        float* ml = partial + static_cast<long long>(s.splits) * s.tq * s.hq * s.dv + part * 2;
        ml[0] = m[r];
        ml[1] = l[r];
      }
    }
  }
}

/// Second pass of split attention: one block per (token, head) combines the
/// splits' partial results, each weighted by exp(its max - the overall max).
__global__ void attention_combine_kernel(const float* partial, float* out, AttentionShape s) {
  const long long row = blockIdx.x, rows = static_cast<long long>(s.tq) * s.hq;
  const float* ml = partial + static_cast<long long>(s.splits) * rows * s.dv;
  float top = -INFINITY;
  for (int z = 0; z < s.splits; ++z) top = fmaxf(top, ml[(z * rows + row) * 2]);
  float total = 0.0f;
  if (top != -INFINITY)
    for (int z = 0; z < s.splits; ++z) total += expf(ml[(z * rows + row) * 2] - top) * ml[(z * rows + row) * 2 + 1];
  for (int c = threadIdx.x; c < s.dv; c += blockDim.x) {
    float sum = 0.0f;
    if (total > 0.0f)
      for (int z = 0; z < s.splits; ++z) {
        const float mz = ml[(z * rows + row) * 2];
        if (mz != -INFINITY) sum += expf(mz - top) * partial[(z * rows + row) * s.dv + c];
      }
    out[row * s.dv + c] = total > 0.0f ? sum / total : 0.0f;
  }
}

}  // namespace lf::kernels
