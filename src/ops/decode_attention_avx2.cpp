// Attention of one query per head (a decode step) straight from the KV
// cache, AVX2 + FMA + F16C through target attributes (the dispatcher calls
// it only where default_isa() is not scalar).
//
// The tiled path of attention.cpp widens 16-bit keys and values into a
// buffer and hands 1 x 128 blocks to Eigen, which at one query is mostly
// call overhead and a second pass over the widened copy. Here a head is
// three passes over its keys: scores (four keys per step, the 16-bit and
// int8 rows widened in registers), one softmax, then the values summed in
// registers (64 dimensions per sweep).
#include <immintrin.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "decode_attention.hpp"
#include "fast_exp.hpp"
#include "liveformer/core/dtype.hpp"

#define LF_TARGET __attribute__((target("avx2,fma,f16c")))
#define LF_TARGET_INLINE LF_TARGET __attribute__((always_inline)) inline

namespace lf::detail {
namespace {

using i64 = std::int64_t;

template <DType T>
LF_TARGET_INLINE __m256 load8(const std::byte* row, i64 p) {
  if constexpr (T == DType::f32) {
    return _mm256_loadu_ps(reinterpret_cast<const float*>(row) + p);
  } else {
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 2 * p));
    if constexpr (T == DType::f16) return _mm256_cvtph_ps(h);
    else return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
  }
}

template <DType T>
LF_TARGET_INLINE float load1(const std::byte* row, i64 p) {
  if constexpr (T == DType::f32) {
    float f;
    __builtin_memcpy(&f, row + 4 * p, 4);
    return f;
  } else {
    std::uint16_t h;
    __builtin_memcpy(&h, row + 2 * p, 2);
    return T == DType::f16 ? _cvtsh_ss(h) : bf16_to_f32(h);
  }
}

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

// scores[j] = dot(q, key j) * scale for j < n.
template <DType T>
LF_TARGET void scores_of(const float* q, const std::byte* k, i64 k_stride, i64 n, i64 d, float scale, float* scores) {
  const i64 dv = d / 8 * 8;
  i64 j = 0;
  for (; j + 4 <= n; j += 4) {
    const std::byte* r[4] = {k, k + k_stride, k + 2 * k_stride, k + 3 * k_stride};
    __m256 a[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    for (i64 p = 0; p < dv; p += 8) {
      const __m256 qv = _mm256_loadu_ps(q + p);
      for (int t = 0; t < 4; ++t) a[t] = _mm256_fmadd_ps(qv, load8<T>(r[t], p), a[t]);
    }
    float four[4];
    hsum4(a, four);
    for (int t = 0; t < 4; ++t) {
      float v = four[t];
      for (i64 p = dv; p < d; ++p) v += q[p] * load1<T>(r[t], p);
      scores[j + t] = v * scale;
    }
    k += 4 * k_stride;
  }
  for (; j < n; ++j, k += k_stride) {
    __m256 a = _mm256_setzero_ps();
    for (i64 p = 0; p < dv; p += 8) a = _mm256_fmadd_ps(_mm256_loadu_ps(q + p), load8<T>(k, p), a);
    float v = hsum(a);
    for (i64 p = dv; p < d; ++p) v += q[p] * load1<T>(k, p);
    scores[j] = v * scale;
  }
}

// out[c] = sum_j w[j] * value j [c] * inv for c < d.
template <DType T>
LF_TARGET void weighted_values(const float* w, const std::byte* v, i64 v_stride, i64 n, i64 d, float inv, float* out) {
  constexpr i64 kSweep = 64;  // 8 accumulators of 8
  i64 c0 = 0;
  for (; c0 + kSweep <= d; c0 += kSweep) {
    __m256 acc[8];
    for (auto& a : acc) a = _mm256_setzero_ps();
    const std::byte* row = v;
    for (i64 j = 0; j < n; ++j, row += v_stride) {
      const __m256 wj = _mm256_set1_ps(w[j]);
      for (int t = 0; t < 8; ++t) acc[t] = _mm256_fmadd_ps(wj, load8<T>(row, c0 + 8 * t), acc[t]);
    }
    const __m256 s = _mm256_set1_ps(inv);
    for (int t = 0; t < 8; ++t) _mm256_storeu_ps(out + c0 + 8 * t, _mm256_mul_ps(acc[t], s));
  }
  for (; c0 + 8 <= d; c0 += 8) {
    __m256 acc = _mm256_setzero_ps();
    const std::byte* row = v;
    for (i64 j = 0; j < n; ++j, row += v_stride) acc = _mm256_fmadd_ps(_mm256_set1_ps(w[j]), load8<T>(row, c0), acc);
    _mm256_storeu_ps(out + c0, _mm256_mul_ps(acc, _mm256_set1_ps(inv)));
  }
  for (; c0 < d; ++c0) {
    float acc = 0;
    const std::byte* row = v;
    for (i64 j = 0; j < n; ++j, row += v_stride) acc += w[j] * load1<T>(row, c0);
    out[c0] = acc * inv;
  }
}

// ---- q8_0 rows: blocks of an f16 scale and 32 int8, d % 32 == 0 ----------
// The int8 values are widened to f32 in registers (8 per instruction) and
// each block's partial dot product is scaled once: the scores and the value
// sum stay in f32 like the other cache types, only the stored K/V are
// rounded.
constexpr i64 kQ8Block = 34;

LF_TARGET_INLINE float q8_scale(const std::byte* block) {
  std::uint16_t h;
  __builtin_memcpy(&h, block, 2);
  return _cvtsh_ss(h);
}

// Values 8 * part .. 8 * part + 7 of a block, as f32 (unscaled).
LF_TARGET_INLINE __m256 q8_load8(const std::byte* block, int part) {
  const __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(block + 2 + 8 * part));
  return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(b));
}

// dot(q[0..32), block) without the block's scale.
LF_TARGET_INLINE __m256 q8_dot32(const __m256 qv[4], const std::byte* block) {
  __m256 s = _mm256_mul_ps(qv[0], q8_load8(block, 0));
  for (int part = 1; part < 4; ++part) s = _mm256_fmadd_ps(qv[part], q8_load8(block, part), s);
  return s;
}

LF_TARGET void scores_q8(const float* q, const std::byte* k, i64 k_stride, i64 n, i64 d, float scale, float* scores) {
  const i64 blocks = d / 32;
  i64 j = 0;
  for (; j + 4 <= n; j += 4) {
    __m256 a[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    for (i64 b = 0; b < blocks; ++b) {
      const __m256 qv[4] = {_mm256_loadu_ps(q + 32 * b), _mm256_loadu_ps(q + 32 * b + 8),
                            _mm256_loadu_ps(q + 32 * b + 16), _mm256_loadu_ps(q + 32 * b + 24)};
      for (int t = 0; t < 4; ++t) {
        const std::byte* block = k + t * k_stride + b * kQ8Block;
        a[t] = _mm256_fmadd_ps(q8_dot32(qv, block), _mm256_set1_ps(q8_scale(block)), a[t]);
      }
    }
    float four[4];
    hsum4(a, four);
    for (int t = 0; t < 4; ++t) scores[j + t] = four[t] * scale;
    k += 4 * k_stride;
  }
  for (; j < n; ++j, k += k_stride) {
    __m256 a = _mm256_setzero_ps();
    for (i64 b = 0; b < blocks; ++b) {
      const __m256 qv[4] = {_mm256_loadu_ps(q + 32 * b), _mm256_loadu_ps(q + 32 * b + 8),
                            _mm256_loadu_ps(q + 32 * b + 16), _mm256_loadu_ps(q + 32 * b + 24)};
      const std::byte* block = k + b * kQ8Block;
      a = _mm256_fmadd_ps(q8_dot32(qv, block), _mm256_set1_ps(q8_scale(block)), a);
    }
    scores[j] = hsum(a) * scale;
  }
}

// out[c] = sum_j w[j] * value j [c] * inv, two blocks (64 dimensions, 8
// accumulators) per sweep over the rows, then one block for an odd count.
LF_TARGET void weighted_values_q8(const float* w, const std::byte* v, i64 v_stride, i64 n, i64 d, float inv,
                                  float* out) {
  const i64 blocks = d / 32;
  for (i64 b0 = 0; b0 < blocks; b0 += 2) {
    const int width = b0 + 1 < blocks ? 2 : 1;
    __m256 acc[8];
    for (auto& a : acc) a = _mm256_setzero_ps();
    const std::byte* row = v + b0 * kQ8Block;
    for (i64 j = 0; j < n; ++j, row += v_stride) {
      for (int b = 0; b < width; ++b) {
        const std::byte* block = row + b * kQ8Block;
        const __m256 ws = _mm256_set1_ps(w[j] * q8_scale(block));
        for (int part = 0; part < 4; ++part)
          acc[4 * b + part] = _mm256_fmadd_ps(ws, q8_load8(block, part), acc[4 * b + part]);
      }
    }
    const __m256 s = _mm256_set1_ps(inv);
    for (int t = 0; t < 4 * width; ++t) _mm256_storeu_ps(out + 32 * b0 + 8 * t, _mm256_mul_ps(acc[t], s));
  }
}

template <DType T>
void head(const DecodeHead& h, float* scores) {
  if constexpr (T == DType::q8_0) scores_q8(h.q, h.k, h.k_stride, h.n, h.d, h.scale, scores);
  else scores_of<T>(h.q, h.k, h.k_stride, h.n, h.d, h.scale, scores);
  float max = -std::numeric_limits<float>::infinity();
  for (i64 j = 0; j < h.n; ++j) max = scores[j] > max ? scores[j] : max;
  const float sum = exp_shifted_sum(scores, h.n, max);
  if constexpr (T == DType::q8_0) weighted_values_q8(scores, h.v, h.v_stride, h.n, h.dv, 1.0f / sum, h.out);
  else weighted_values<T>(scores, h.v, h.v_stride, h.n, h.dv, 1.0f / sum, h.out);
}

}  // namespace

void decode_attention_avx2(DType kv_type, const DecodeHead& h, float* scores) {
  switch (kv_type) {
    case DType::f16: return head<DType::f16>(h, scores);
    case DType::bf16: return head<DType::bf16>(h, scores);
    case DType::q8_0: return head<DType::q8_0>(h, scores);
    default: return head<DType::f32>(h, scores);
  }
}

}  // namespace lf::detail
