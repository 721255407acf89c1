// Attention of one query per head (a decode step) straight from the KV
// cache, AVX2 + FMA + F16C through target attributes (the dispatcher calls
// it only where default_isa() is not scalar).
//
// The tiled path of attention.cpp widens 16-bit keys and values into a
// buffer and hands 1 x 128 blocks to Eigen, which at one query is mostly
// call overhead and a second pass over the widened copy. Here a chunk of
// keys is three passes: scores (four keys per step, the 16-bit and int8
// rows widened in registers), a softmax per head, then the values added
// into per-head accumulators four keys per step.
//
// A chunk takes every head of each key, in memory order. One head at a
// time walked the token-major cache with a stride (GPT-2, q8_0: 68 bytes
// of every 816), and read DRAM at 3.6 GB/s on one core (f16 5.1, f32 9.2)
// where a stream reads ~20 GB/s.
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "decode_attention.hpp"
#include "fast_exp.hpp"
#include "kv_widen_avx2.hpp"
#include "liveformer/core/dtype.hpp"

#define LF_TARGET __attribute__((target("avx2,fma,f16c")))
#define LF_TARGET_INLINE LF_TARGET __attribute__((always_inline)) inline

namespace lf::detail {
namespace {

using i64 = std::int64_t;
using kv::kQ8Block, kv::load1, kv::load8, kv::q8_load8, kv::q8_scale;

LF_TARGET_INLINE float hsum(__m256 v) {
  const __m128 q = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 t = _mm_add_ps(q, _mm_movehl_ps(q, q));
  return _mm_cvtss_f32(_mm_add_ss(t, _mm_movehdup_ps(t)));
}

// The four horizontal sums of a[0..3], at once.
LF_TARGET_INLINE void hsum4(const __m256 a[4], float* four) {
  const __m256 s01 = _mm256_hadd_ps(a[0], a[1]), s23 = _mm256_hadd_ps(a[2], a[3]);
  const __m256 s = _mm256_hadd_ps(s01, s23);
  _mm_storeu_ps(four, _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1)));
}

// ---- q8_0 rows: blocks of an f16 scale and 32 int8, d % 32 == 0 ----------
// The int8 values are widened to f32 in registers (8 per instruction) and
// each block's partial dot product is scaled once: the scores and the value
// sum stay in f32 like the other cache types, only the stored K/V are
// rounded.

// dot(q[0..32), block) without the block's scale.
LF_TARGET_INLINE __m256 q8_dot32(const __m256 qv[4], const std::byte* block) {
  __m256 s = _mm256_mul_ps(qv[0], q8_load8(block, 0));
  for (int part = 1; part < 4; ++part) s = _mm256_fmadd_ps(qv[part], q8_load8(block, part), s);
  return s;
}

// dot(q, row t) for the four rows r[t], into four[t].
template <DType T>
LF_TARGET_INLINE void dot4(const float* q, const std::byte* const r[4], i64 d, float* four) {
  __m256 a[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
  if constexpr (T == DType::q8_0) {
    for (i64 b = 0; b < d / 32; ++b) {
      const __m256 qv[4] = {_mm256_loadu_ps(q + 32 * b), _mm256_loadu_ps(q + 32 * b + 8),
                            _mm256_loadu_ps(q + 32 * b + 16), _mm256_loadu_ps(q + 32 * b + 24)};
      for (int t = 0; t < 4; ++t) {
        const std::byte* block = r[t] + b * kQ8Block;
        a[t] = _mm256_fmadd_ps(q8_dot32(qv, block), _mm256_set1_ps(q8_scale(block)), a[t]);
      }
    }
    hsum4(a, four);
  } else {
    const i64 d8 = d / 8 * 8;
    for (i64 p = 0; p < d8; p += 8) {
      const __m256 qv = _mm256_loadu_ps(q + p);
      for (int t = 0; t < 4; ++t) a[t] = _mm256_fmadd_ps(qv, load8<T>(r[t], p), a[t]);
    }
    hsum4(a, four);
    for (int t = 0; t < 4; ++t)
      for (i64 p = d8; p < d; ++p) four[t] += q[p] * load1<T>(r[t], p);
  }
}

template <DType T>
LF_TARGET_INLINE float dot1(const float* q, const std::byte* r, i64 d) {
  __m256 a = _mm256_setzero_ps();
  if constexpr (T == DType::q8_0) {
    for (i64 b = 0; b < d / 32; ++b) {
      const __m256 qv[4] = {_mm256_loadu_ps(q + 32 * b), _mm256_loadu_ps(q + 32 * b + 8),
                            _mm256_loadu_ps(q + 32 * b + 16), _mm256_loadu_ps(q + 32 * b + 24)};
      const std::byte* block = r + b * kQ8Block;
      a = _mm256_fmadd_ps(q8_dot32(qv, block), _mm256_set1_ps(q8_scale(block)), a);
    }
    return hsum(a);
  } else {
    const i64 d8 = d / 8 * 8;
    for (i64 p = 0; p < d8; p += 8) a = _mm256_fmadd_ps(_mm256_loadu_ps(q + p), load8<T>(r, p), a);
    float v = hsum(a);
    for (i64 p = d8; p < d; ++p) v += q[p] * load1<T>(r, p);
    return v;
  }
}

// acc[c] += sum over t < N of w[t] * row t [c], for c < dv: 32 columns (4
// registers) at a time, loaded once and stored once for the N rows.
template <DType T, int N>
LF_TARGET_INLINE void add_rows(const float* w, const std::byte* const r[N], i64 dv, float* acc) {
  if constexpr (T == DType::q8_0) {
    for (i64 b = 0; b < dv / 32; ++b) {
      float* a = acc + 32 * b;
      __m256 s[4] = {_mm256_loadu_ps(a), _mm256_loadu_ps(a + 8), _mm256_loadu_ps(a + 16), _mm256_loadu_ps(a + 24)};
      for (int t = 0; t < N; ++t) {
        const std::byte* block = r[t] + b * kQ8Block;
        const __m256 ws = _mm256_set1_ps(w[t] * q8_scale(block));
        for (int part = 0; part < 4; ++part) s[part] = _mm256_fmadd_ps(ws, q8_load8(block, part), s[part]);
      }
      for (int part = 0; part < 4; ++part) _mm256_storeu_ps(a + 8 * part, s[part]);
    }
  } else {
    i64 c = 0;
    for (; c + 32 <= dv; c += 32) {
      __m256 s[4] = {_mm256_loadu_ps(acc + c), _mm256_loadu_ps(acc + c + 8), _mm256_loadu_ps(acc + c + 16),
                     _mm256_loadu_ps(acc + c + 24)};
      for (int t = 0; t < N; ++t) {
        const __m256 wt = _mm256_set1_ps(w[t]);
        for (int part = 0; part < 4; ++part) s[part] = _mm256_fmadd_ps(wt, load8<T>(r[t], c + 8 * part), s[part]);
      }
      for (int part = 0; part < 4; ++part) _mm256_storeu_ps(acc + c + 8 * part, s[part]);
    }
    for (; c + 8 <= dv; c += 8) {
      __m256 s = _mm256_loadu_ps(acc + c);
      for (int t = 0; t < N; ++t) s = _mm256_fmadd_ps(_mm256_set1_ps(w[t]), load8<T>(r[t], c), s);
      _mm256_storeu_ps(acc + c, s);
    }
    for (; c < dv; ++c)
      for (int t = 0; t < N; ++t) acc[c] += w[t] * load1<T>(r[t], c);
  }
}

// Software prefetch (into L2) of the bytes [0, used) of four rows, 16 keys
// ahead: the four rows are read side by side, a head's slice at a time
// (68 bytes for q8_0), a pattern the hardware prefetchers follow poorly.
// With caches cycled through DRAM (benchmarks/bench_ops.cpp, depth 512,
// one core) it took q8_0 from 186 to 86 us a layer and f16 from 226 to 130;
// into L1 it did nothing (too many lines in flight).
constexpr i64 kPrefetchKeys = 16;

LF_TARGET_INLINE void prefetch_rows(const std::byte* row, i64 stride, i64 used) {
  for (int t = 0; t < 4; ++t, row += stride)
    for (i64 b = 0; b < used; b += 64) _mm_prefetch(reinterpret_cast<const char*>(row + b), _MM_HINT_T1);
}

template <DType T>
LF_TARGET void chunk(const DecodeProblem& p, i64 j0, i64 j1, i64 g0, i64 g1, float* max, float* sum, float* acc,
                     float* s) {
  const i64 nk = j1 - j0, group = p.hq / p.hkv, h0 = g0 * group, h1 = g1 * group;
  const i64 used_k = (g1 - g0 - 1) * p.k_head + dtype_bytes(T, p.d);
  const i64 used_v = (g1 - g0 - 1) * p.v_head + dtype_bytes(T, p.dv);
  // Scores, four keys at a time, each key's heads together.
  i64 j = j0;
  for (; j + 4 <= j1; j += 4) {
    if (j + kPrefetchKeys + 4 <= p.n) prefetch_rows(p.k + (j + kPrefetchKeys) * p.k_row + g0 * p.k_head, p.k_row, used_k);
    for (i64 g = g0; g < g1; ++g) {
      const std::byte* r0 = p.k + j * p.k_row + g * p.k_head;
      const std::byte* const r[4] = {r0, r0 + p.k_row, r0 + 2 * p.k_row, r0 + 3 * p.k_row};
      for (i64 h = g * group; h < (g + 1) * group; ++h) {
        float four[4];
        dot4<T>(p.q + h * p.q_head, r, p.d, four);
        for (int t = 0; t < 4; ++t) s[h * nk + (j - j0) + t] = four[t] * p.scale;
      }
    }
  }
  for (; j < j1; ++j)
    for (i64 h = h0; h < h1; ++h)
      s[h * nk + (j - j0)] = dot1<T>(p.q + h * p.q_head, p.k + j * p.k_row + h / group * p.k_head, p.d) * p.scale;
  // The chunk's softmax state per head; s becomes the weights.
  for (i64 h = h0; h < h1; ++h) {
    float* sh = s + h * nk;
    float m = -std::numeric_limits<float>::infinity();
    for (i64 i = 0; i < nk; ++i) m = sh[i] > m ? sh[i] : m;
    max[h] = m;
    sum[h] = exp_shifted_sum(sh, nk, m);
  }
  // Values, four keys at a time, into each head's accumulator (in L1).
  std::fill(acc + h0 * p.dv, acc + h1 * p.dv, 0.0f);
  j = j0;
  for (; j + 4 <= j1; j += 4) {
    if (j + kPrefetchKeys + 4 <= p.n) prefetch_rows(p.v + (j + kPrefetchKeys) * p.v_row + g0 * p.v_head, p.v_row, used_v);
    for (i64 g = g0; g < g1; ++g) {
      const std::byte* r0 = p.v + j * p.v_row + g * p.v_head;
      const std::byte* const r[4] = {r0, r0 + p.v_row, r0 + 2 * p.v_row, r0 + 3 * p.v_row};
      for (i64 h = g * group; h < (g + 1) * group; ++h) add_rows<T, 4>(s + h * nk + (j - j0), r, p.dv, acc + h * p.dv);
    }
  }
  for (; j < j1; ++j)
    for (i64 h = h0; h < h1; ++h) {
      const std::byte* const r[1] = {p.v + j * p.v_row + h / group * p.v_head};
      add_rows<T, 1>(s + h * nk + (j - j0), r, p.dv, acc + h * p.dv);
    }
}

}  // namespace

void decode_attention_chunk_avx2(DType kv_type, const DecodeProblem& p, i64 j0, i64 j1, i64 g0, i64 g1, float* max,
                                 float* sum, float* acc, float* scratch) {
  switch (kv_type) {
    case DType::f16: return chunk<DType::f16>(p, j0, j1, g0, g1, max, sum, acc, scratch);
    case DType::bf16: return chunk<DType::bf16>(p, j0, j1, g0, g1, max, sum, acc, scratch);
    case DType::q8_0: return chunk<DType::q8_0>(p, j0, j1, g0, g1, max, sum, acc, scratch);
    default: return chunk<DType::f32>(p, j0, j1, g0, g1, max, sum, acc, scratch);
  }
}

}  // namespace lf::detail
