// AVX-512 (F, BW, VL) kernels for matmul_quantized. Every function carries
// a target attribute instead of relying on build flags, so this file builds
// into every library; the dispatcher only calls it on CPUs that have the
// features. Keep std:: calls out of the attributed functions (an inline
// library function instantiated here could be compiled with AVX-512).
#include <immintrin.h>

#include <cstdint>

#include "quantized_matmul_kernels.hpp"

#define LF_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx2,fma,f16c")))
#define LF_AVX512_INLINE LF_AVX512 __attribute__((always_inline)) inline

namespace lf::detail::qmm {
namespace {

using i64 = std::int64_t;

LF_AVX512_INLINE float block_scale(const std::byte* p) {
  std::uint16_t h;
  __builtin_memcpy(&h, p, 2);
  return _cvtsh_ss(h);
}

// 16 f16 / bf16 values widened to f32.
template <bool Bf16>
LF_AVX512_INLINE __m512 widen16(__m256i v) {
  if constexpr (Bf16)
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(v), 16));
  else
    return _mm512_cvtph_ps(v);
}

// ---- one weight row against MT rows of x; out[i * ldo] for i < MT ------

template <bool Bf16, int MT>
LF_AVX512 void rows_half(const float* const* x, const std::byte* wb, i64 k, float* out, i64 ldo) {
  const auto* w = reinterpret_cast<const std::uint16_t*>(wb);
  __m512 acc[MT][2];
  for (int i = 0; i < MT; ++i) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
  i64 p = 0;
  for (; p + 32 <= k; p += 32) {
    const __m512 w0 = widen16<Bf16>(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + p)));
    const __m512 w1 = widen16<Bf16>(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + p + 16)));
    for (int i = 0; i < MT; ++i) {
      acc[i][0] = _mm512_fmadd_ps(_mm512_loadu_ps(x[i] + p), w0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(_mm512_loadu_ps(x[i] + p + 16), w1, acc[i][1]);
    }
  }
  // Tail (K not a multiple of 32): masked loads read nothing past row end.
  for (; p < k; p += 16) {
    const i64 left = k - p;
    const __mmask16 mask = left >= 16 ? __mmask16(0xffff) : __mmask16((1u << left) - 1);
    const __m512 w0 = widen16<Bf16>(_mm256_maskz_loadu_epi16(mask, w + p));
    for (int i = 0; i < MT; ++i) acc[i][0] = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, x[i] + p), w0, acc[i][0]);
  }
  for (int i = 0; i < MT; ++i) out[i * ldo] = _mm512_reduce_add_ps(_mm512_add_ps(acc[i][0], acc[i][1]));
}

// q8_0: [f16 d][32 x int8]. The 32 weights become two f32 vectors, scaled
// by d once, then shared by all MT rows of x.
template <int MT>
LF_AVX512 void rows_q8_0(const float* const* x, const std::byte* w, i64 k, float* out, i64 ldo) {
  __m512 acc[MT][2];
  for (int i = 0; i < MT; ++i) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
  for (i64 p = 0; p < k; p += 32, w += 34) {
    const __m512 d = _mm512_set1_ps(block_scale(w));
    const auto* q = reinterpret_cast<const __m128i*>(w + 2);
    const __m512 w0 = _mm512_mul_ps(d, _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128(q))));
    const __m512 w1 = _mm512_mul_ps(d, _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128(q + 1))));
    for (int i = 0; i < MT; ++i) {
      acc[i][0] = _mm512_fmadd_ps(_mm512_loadu_ps(x[i] + p), w0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(_mm512_loadu_ps(x[i] + p + 16), w1, acc[i][1]);
    }
  }
  for (int i = 0; i < MT; ++i) out[i * ldo] = _mm512_reduce_add_ps(_mm512_add_ps(acc[i][0], acc[i][1]));
}

// q4_0: [f16 d][16 bytes]; low nibbles are elements 0..15, high nibbles
// 16..31, each stored with an offset of 8.
template <int MT>
LF_AVX512 void rows_q4_0(const float* const* x, const std::byte* w, i64 k, float* out, i64 ldo) {
  __m512 acc[MT][2];
  for (int i = 0; i < MT; ++i) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
  const __m128i low4 = _mm_set1_epi8(0x0f), eight = _mm_set1_epi8(8);
  for (i64 p = 0; p < k; p += 32, w += 18) {
    const __m512 d = _mm512_set1_ps(block_scale(w));
    const __m128i q = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w + 2));
    const __m128i lo = _mm_sub_epi8(_mm_and_si128(q, low4), eight);
    const __m128i hi = _mm_sub_epi8(_mm_and_si128(_mm_srli_epi16(q, 4), low4), eight);
    const __m512 w0 = _mm512_mul_ps(d, _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(lo)));
    const __m512 w1 = _mm512_mul_ps(d, _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(hi)));
    for (int i = 0; i < MT; ++i) {
      acc[i][0] = _mm512_fmadd_ps(_mm512_loadu_ps(x[i] + p), w0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(_mm512_loadu_ps(x[i] + p + 16), w1, acc[i][1]);
    }
  }
  for (int i = 0; i < MT; ++i) out[i * ldo] = _mm512_reduce_add_ps(_mm512_add_ps(acc[i][0], acc[i][1]));
}

LF_QMM_SIMD_DRIVER(LF_AVX512)

}  // namespace

const Kernels& avx512_kernels() {
  static const Kernels k = LF_QMM_SIMD_TABLE;
  return k;
}

}  // namespace lf::detail::qmm
