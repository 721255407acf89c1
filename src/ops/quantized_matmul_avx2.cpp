// AVX2 + FMA + F16C kernels for matmul_quantized. Every function carries a
// target attribute instead of relying on build flags, so this file builds
// into every library; the dispatcher only calls it on CPUs that have the
// features. Keep std:: calls out of the attributed functions (an inline
// library function instantiated here could be compiled with AVX2).
#include <immintrin.h>

#include <cstdint>

#include "quantized_matmul_kernels.hpp"

#define LF_AVX2 __attribute__((target("avx2,fma,f16c")))
#define LF_AVX2_INLINE LF_AVX2 __attribute__((always_inline)) inline

namespace lf::detail::qmm {
namespace {

using i64 = std::int64_t;

LF_AVX2_INLINE float block_scale(const std::byte* p) {
  std::uint16_t h;
  __builtin_memcpy(&h, p, 2);
  return _cvtsh_ss(h);
}

LF_AVX2_INLINE float hsum(__m256 v) {
  const __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 t = _mm_add_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_add_ss(t, _mm_movehdup_ps(t)));
}

// 8 f16 / bf16 values widened to f32.
template <bool Bf16>
LF_AVX2_INLINE __m256 widen8(const std::uint16_t* p) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  if constexpr (Bf16)
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(v), 16));
  else
    return _mm256_cvtph_ps(v);
}

template <bool Bf16>
LF_AVX2_INLINE float widen1(std::uint16_t h) {
  if constexpr (Bf16) {
    const std::uint32_t bits = static_cast<std::uint32_t>(h) << 16;
    float f;
    __builtin_memcpy(&f, &bits, 4);
    return f;
  } else {
    return _cvtsh_ss(h);
  }
}

// 8 int8 values at p as f32.
LF_AVX2_INLINE __m256 int8x8(__m128i v) { return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(v)); }

// ---- one weight row against MT rows of x; out[i * ldo] for i < MT ------

template <bool Bf16, int MT>
LF_AVX2 void rows_half(const float* const* x, const std::byte* wb, i64 k, float* out, i64 ldo) {
  const auto* w = reinterpret_cast<const std::uint16_t*>(wb);
  __m256 acc[MT][2];
  for (int i = 0; i < MT; ++i) acc[i][0] = acc[i][1] = _mm256_setzero_ps();
  i64 p = 0;
  for (; p + 16 <= k; p += 16) {
    const __m256 w0 = widen8<Bf16>(w + p), w1 = widen8<Bf16>(w + p + 8);
    for (int i = 0; i < MT; ++i) {
      acc[i][0] = _mm256_fmadd_ps(_mm256_loadu_ps(x[i] + p), w0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps(_mm256_loadu_ps(x[i] + p + 8), w1, acc[i][1]);
    }
  }
  for (; p + 8 <= k; p += 8) {
    const __m256 w0 = widen8<Bf16>(w + p);
    for (int i = 0; i < MT; ++i) acc[i][0] = _mm256_fmadd_ps(_mm256_loadu_ps(x[i] + p), w0, acc[i][0]);
  }
  for (int i = 0; i < MT; ++i) {
    float s = hsum(_mm256_add_ps(acc[i][0], acc[i][1]));
    for (i64 t = p; t < k; ++t) s += x[i][t] * widen1<Bf16>(w[t]);  // last K % 8 elements
    out[i * ldo] = s;
  }
}

// q8_0: [f16 d][32 x int8] -> four f32 vectors scaled by d, shared by all
// MT rows of x.
template <int MT>
LF_AVX2 void rows_q8_0(const float* const* x, const std::byte* w, i64 k, float* out, i64 ldo) {
  __m256 acc[MT][2];
  for (int i = 0; i < MT; ++i) acc[i][0] = acc[i][1] = _mm256_setzero_ps();
  for (i64 p = 0; p < k; p += 32, w += 34) {
    const __m256 d = _mm256_set1_ps(block_scale(w));
    const __m128i q0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w + 2));
    const __m128i q1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w + 18));
    const __m256 wv[4] = {_mm256_mul_ps(d, int8x8(q0)), _mm256_mul_ps(d, int8x8(_mm_srli_si128(q0, 8))),
                          _mm256_mul_ps(d, int8x8(q1)), _mm256_mul_ps(d, int8x8(_mm_srli_si128(q1, 8)))};
    for (int i = 0; i < MT; ++i)
      for (int c = 0; c < 4; ++c)
        acc[i][c & 1] = _mm256_fmadd_ps(_mm256_loadu_ps(x[i] + p + 8 * c), wv[c], acc[i][c & 1]);
  }
  for (int i = 0; i < MT; ++i) out[i * ldo] = hsum(_mm256_add_ps(acc[i][0], acc[i][1]));
}

// q4_0: [f16 d][16 bytes]; low nibbles are elements 0..15, high nibbles
// 16..31, each stored with an offset of 8.
template <int MT>
LF_AVX2 void rows_q4_0(const float* const* x, const std::byte* w, i64 k, float* out, i64 ldo) {
  __m256 acc[MT][2];
  for (int i = 0; i < MT; ++i) acc[i][0] = acc[i][1] = _mm256_setzero_ps();
  const __m128i low4 = _mm_set1_epi8(0x0f), eight = _mm_set1_epi8(8);
  for (i64 p = 0; p < k; p += 32, w += 18) {
    const __m256 d = _mm256_set1_ps(block_scale(w));
    const __m128i q = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w + 2));
    const __m128i lo = _mm_sub_epi8(_mm_and_si128(q, low4), eight);
    const __m128i hi = _mm_sub_epi8(_mm_and_si128(_mm_srli_epi16(q, 4), low4), eight);
    const __m256 wv[4] = {_mm256_mul_ps(d, int8x8(lo)), _mm256_mul_ps(d, int8x8(_mm_srli_si128(lo, 8))),
                          _mm256_mul_ps(d, int8x8(hi)), _mm256_mul_ps(d, int8x8(_mm_srli_si128(hi, 8)))};
    for (int i = 0; i < MT; ++i)
      for (int c = 0; c < 4; ++c)
        acc[i][c & 1] = _mm256_fmadd_ps(_mm256_loadu_ps(x[i] + p + 8 * c), wv[c], acc[i][c & 1]);
  }
  for (int i = 0; i < MT; ++i) out[i * ldo] = hsum(_mm256_add_ps(acc[i][0], acc[i][1]));
}

LF_QMM_SIMD_DRIVER(LF_AVX2)

}  // namespace

const Kernels& avx2_kernels() {
  static const Kernels k = LF_QMM_SIMD_TABLE;
  return k;
}

}  // namespace lf::detail::qmm
