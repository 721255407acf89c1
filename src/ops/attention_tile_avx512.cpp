// The tiles of the prefill attention with AVX-512F (see attention_tile.hpp).
//
// Eigen's small products (32 x 128 x 64) spent much of their time packing
// both operands, and the softmax between them ran a scalar loop per score.
// Here the query block is transposed once per task (queries across lanes);
// after that, a key's scores for all queries are two registers filled by
// broadcasting the key's elements, the softmax is lane-wise, and the values
// are added six queries by 64 dimensions at a time.
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <limits>

#include "attention_tile.hpp"
#include "fast_exp.hpp"

#define LF_TARGET __attribute__((target("avx512f")))
#define LF_TARGET_INLINE LF_TARGET __attribute__((always_inline)) inline

namespace lf::detail {
namespace {

using i64 = std::int64_t;
constexpr i64 kLanes = kTileQueries;  // the scores of a key: two registers
constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// _mm512_max_ps through its masked form: GCC 12's plain one reads an
// "uninitialized" _mm512_undefined_ps and warns.
LF_TARGET_INLINE __m512 max16(__m512 a, __m512 b) { return _mm512_mask_max_ps(a, __mmask16(0xFFFF), a, b); }

// s[c][h] = q · k_c for R keys, queries 16h .. 16h + 15.
template <int R, int H>
LF_TARGET_INLINE void score_keys(const float* qt, i64 d, const float* k, i64 k_row, __m512 (&s)[R][H]) {
  for (int c = 0; c < R; ++c)
    for (int h = 0; h < H; ++h) s[c][h] = _mm512_setzero_ps();
  for (i64 p = 0; p < d; ++p) {
    __m512 qv[H];
    for (int h = 0; h < H; ++h) qv[h] = _mm512_loadu_ps(qt + p * kLanes + 16 * h);
    for (int c = 0; c < R; ++c) {
      const __m512 b = _mm512_set1_ps(k[c * k_row + p]);
      for (int h = 0; h < H; ++h) s[c][h] = _mm512_fmadd_ps(b, qv[h], s[c][h]);
    }
  }
}

// Scaled and masked scores of keys c0 .. c0 + R - 1 of the block into
// t.scores (key-major), folding them into the block's running max.
template <int R, int H>
LF_TARGET void score_rows(const AttentionTile& t, i64 j0, i64 c0, const float* k, i64 k_row, __m512 (&block_max)[H]) {
  __m512 s[R][H];
  score_keys<R, H>(t.qt, t.d, k + c0 * k_row, k_row, s);
  const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512 scale = _mm512_set1_ps(t.scale), neg_inf = _mm512_set1_ps(kNegInf);
  for (int c = 0; c < R; ++c) {
    const i64 j = j0 + c0 + c;
    // Query r sees key j iff r > j - visible_limit; queries past bq see nothing.
    const i64 first = std::clamp<i64>(j - t.visible_limit + 1, 0, kLanes);
    float* row = t.scores + (c0 + c) * kLanes;
    for (int h = 0; h < H; ++h) {
      const __m512i r = _mm512_add_epi32(lane, _mm512_set1_epi32(16 * h));
      const __mmask16 visible = _mm512_cmp_epi32_mask(r, _mm512_set1_epi32(static_cast<int>(first)), _MM_CMPINT_NLT) &
                                _mm512_cmp_epi32_mask(r, _mm512_set1_epi32(static_cast<int>(t.bq)), _MM_CMPINT_LT);
      _mm512_storeu_ps(row + 16 * h, _mm512_mask_mul_ps(neg_inf, visible, s[c][h], scale));
    }
    if (t.mask) {
      for (i64 q = first; q < t.bq; ++q) row[q] += t.mask[q * t.mask_q + j * t.mask_k];
    }
    for (int h = 0; h < H; ++h) block_max[h] = max16(block_max[h], _mm512_loadu_ps(row + 16 * h));
  }
}

// acc[r][e0 ..] += Σ_c p[c][r] · v_c[e0 ..] for R queries and NV vectors
// of dimensions; `tail` masks the last vector (dv not a multiple of 16).
template <int R, int NV>
LF_TARGET_INLINE void accumulate_rows(const float* p, i64 bk, const float* v, i64 v_row, float* acc, i64 dv,
                                      __mmask16 tail) {
  __m512 a[R][NV];
  for (int r = 0; r < R; ++r)
    for (int n = 0; n < NV; ++n) {
      const __mmask16 m = n == NV - 1 ? tail : __mmask16(0xFFFF);
      a[r][n] = _mm512_maskz_loadu_ps(m, acc + r * dv + 16 * n);
    }
  for (i64 c = 0; c < bk; ++c) {
    __m512 vv[NV];
    for (int n = 0; n < NV; ++n) {
      const __mmask16 m = n == NV - 1 ? tail : __mmask16(0xFFFF);
      vv[n] = _mm512_maskz_loadu_ps(m, v + c * v_row + 16 * n);
    }
    for (int r = 0; r < R; ++r) {
      const __m512 b = _mm512_set1_ps(p[c * kLanes + r]);
      for (int n = 0; n < NV; ++n) a[r][n] = _mm512_fmadd_ps(b, vv[n], a[r][n]);
    }
  }
  for (int r = 0; r < R; ++r)
    for (int n = 0; n < NV; ++n) {
      const __mmask16 m = n == NV - 1 ? tail : __mmask16(0xFFFF);
      _mm512_mask_storeu_ps(acc + r * dv + 16 * n, m, a[r][n]);
    }
}

template <int R>
LF_TARGET void accumulate_queries(const AttentionTile& t, i64 r0, i64 bk, const float* v, i64 v_row) {
  const float* p = t.scores + r0;
  float* acc = t.acc + r0 * t.dv;
  i64 e = 0;
  for (; e + 64 <= t.dv; e += 64) accumulate_rows<R, 4>(p, bk, v + e, v_row, acc + e, t.dv, 0xFFFF);
  for (; e < t.dv; e += 16) {
    const __mmask16 tail = t.dv - e >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << (t.dv - e)) - 1);
    accumulate_rows<R, 1>(p, bk, v + e, v_row, acc + e, t.dv, tail);
  }
}

template <int H>
LF_TARGET void add_keys(AttentionTile& t, i64 j0, i64 bk, const float* k, i64 k_row, const float* v, i64 v_row) {
  __m512 block_max[H];
  for (int h = 0; h < H; ++h) block_max[h] = _mm512_set1_ps(kNegInf);
  i64 c = 0;
  for (; c + 12 <= bk; c += 12) score_rows<12, H>(t, j0, c, k, k_row, block_max);
  for (; c + 4 <= bk; c += 4) score_rows<4, H>(t, j0, c, k, k_row, block_max);
  for (; c < bk; ++c) score_rows<1, H>(t, j0, c, k, k_row, block_max);

  // The online softmax, lane by lane. A query that has seen no key yet
  // keeps max -inf and shifts by 0, so exp gives 0, never NaN.
  alignas(64) float shift[kLanes], correction[kLanes], block_sum[kLanes];
  for (int h = 0; h < H; ++h) {
    const __m512 old_max = _mm512_loadu_ps(t.max + 16 * h);
    const __m512 new_max = max16(old_max, block_max[h]);
    const __mmask16 none = _mm512_cmp_ps_mask(new_max, _mm512_set1_ps(kNegInf), _CMP_EQ_OQ);
    const __m512 s = _mm512_mask_blend_ps(none, new_max, _mm512_setzero_ps());
    _mm512_storeu_ps(shift + 16 * h, s);
    _mm512_storeu_ps(correction + 16 * h, _mm512_sub_ps(old_max, s));
    _mm512_storeu_ps(t.max + 16 * h, new_max);
  }
  constexpr int kUsed = 16 * H;
  for (int r = 0; r < kUsed; ++r) {
    correction[r] = fast_exp(correction[r]);  // 0 where the old max was -inf
    block_sum[r] = 0;
  }
  for (i64 key = 0; key < bk; ++key) {
    float* row = t.scores + key * kLanes;
    for (int r = 0; r < kUsed; ++r) row[r] = fast_exp(row[r] - shift[r]);
    for (int r = 0; r < kUsed; ++r) block_sum[r] += row[r];
  }
  for (int r = 0; r < kUsed; ++r) t.sum[r] = t.sum[r] * correction[r] + block_sum[r];
  for (i64 r = 0; r < t.bq; ++r) {
    if (correction[r] == 1.0f) continue;
    float* a = t.acc + r * t.dv;
    for (i64 e = 0; e < t.dv; ++e) a[e] *= correction[r];
  }

  i64 r = 0;
  for (; r + 6 <= t.bq; r += 6) accumulate_queries<6>(t, r, bk, v, v_row);
  for (; r + 2 <= t.bq; r += 2) accumulate_queries<2>(t, r, bk, v, v_row);
  for (; r < t.bq; ++r) accumulate_queries<1>(t, r, bk, v, v_row);
}

}  // namespace

void attention_tile_begin_avx512(AttentionTile& t, const float* q, std::int64_t q_row) {
  // Row by row: the query rows lie heads apart (q_row floats), columns
  // are 128 bytes apart here.
  if (t.bq < kLanes) {
    for (i64 p = 0; p < t.d; ++p) std::fill(t.qt + p * kLanes + t.bq, t.qt + (p + 1) * kLanes, 0.0f);
  }
  for (i64 r = 0; r < t.bq; ++r)
    for (i64 p = 0; p < t.d; ++p) t.qt[p * kLanes + r] = q[r * q_row + p];
  std::fill(t.max, t.max + kLanes, kNegInf);
  std::fill(t.sum, t.sum + kLanes, 0.0f);
  std::fill(t.acc, t.acc + t.bq * t.dv, 0.0f);
}

void attention_tile_add_keys_avx512(AttentionTile& t, std::int64_t j0, std::int64_t bk, const float* k,
                                    std::int64_t k_row, const float* v, std::int64_t v_row) {
  if (t.bq <= 16) add_keys<1>(t, j0, bk, k, k_row, v, v_row);
  else add_keys<2>(t, j0, bk, k, k_row, v, v_row);
}

void attention_tile_finish_avx512(const AttentionTile& t, float* out, std::int64_t out_row) {
  for (i64 r = 0; r < t.bq; ++r) {
    const float inv = t.sum[r] > 0 ? 1.0f / t.sum[r] : 0.0f;  // a query that saw no key gets zeros
    const float* a = t.acc + r * t.dv;
    float* o = out + r * out_row;
    for (i64 e = 0; e < t.dv; ++e) o[e] = a[e] * inv;
  }
}

}  // namespace lf::detail
