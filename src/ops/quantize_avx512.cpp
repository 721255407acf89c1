// The AVX-512 rounding of f32 rows to q8_0 (see quantize_kernels.hpp).
#include <immintrin.h>

#include <cstdint>

#include "liveformer/core/convert.hpp"
#include "quantize_kernels.hpp"

#define LF_TARGET __attribute__((target("avx512f,avx512bw,avx512vl")))

namespace lf::detail {

// from_f32_row's q8_0 rounding, 16 values per instruction, step for step:
// amax ignores NaN (max_ps returns its second operand, the running max,
// when the first is NaN, as std::max(amax, NaN) keeps amax); the clamp to
// [-127, 127] sends NaN to -127 as fmax / fmin do; truncation plus the
// exact fraction v - t rounds ties away from zero. The block's int8 sum
// comes from the same registers.
LF_TARGET void round_x_q8_avx512(const float* x, std::int64_t k, std::byte* q8, std::int32_t* sums, float* scales) {
  const __m512 sign_off = _mm512_castsi512_ps(_mm512_set1_epi32(0x7fffffff));
  const __m512 lo = _mm512_set1_ps(-127.0f), hi = _mm512_set1_ps(127.0f);
  const __m512 half = _mm512_set1_ps(0.5f), minus_half = _mm512_set1_ps(-0.5f);
  const __m512i one = _mm512_set1_epi32(1);
  for (std::int64_t b = 0; b < k / 32; ++b, x += 32, q8 += 34) {
    const __m512 x0 = _mm512_loadu_ps(x), x1 = _mm512_loadu_ps(x + 16);
    const __m512 a = _mm512_max_ps(_mm512_and_ps(x1, sign_off), _mm512_max_ps(_mm512_and_ps(x0, sign_off), _mm512_setzero_ps()));
    const float amax = _mm512_reduce_max_ps(a);
    const float d = amax / 127.0f;
    const float inv = d != 0 ? 1.0f / d : 0.0f;
    const std::uint16_t d16 = f32_to_f16(d);
    __builtin_memcpy(q8, &d16, 2);
    __m512i sum = _mm512_setzero_si512();
    for (int half_block = 0; half_block < 2; ++half_block) {
      const __m512 v = _mm512_min_ps(_mm512_max_ps(_mm512_mul_ps(half_block ? x1 : x0, _mm512_set1_ps(inv)), lo), hi);
      __m512i t = _mm512_cvttps_epi32(v);
      const __m512 f = _mm512_sub_ps(v, _mm512_cvtepi32_ps(t));
      t = _mm512_mask_add_epi32(t, _mm512_cmp_ps_mask(f, half, _CMP_GE_OQ), t, one);
      t = _mm512_mask_sub_epi32(t, _mm512_cmp_ps_mask(f, minus_half, _CMP_LE_OQ), t, one);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(q8 + 2 + 16 * half_block), _mm512_cvtepi32_epi8(t));
      sum = _mm512_add_epi32(sum, t);
    }
    if (sums) sums[b] = _mm512_reduce_add_epi32(sum);
    if (scales) scales[b] = f16_to_f32(d16);
  }
}

}  // namespace lf::detail
