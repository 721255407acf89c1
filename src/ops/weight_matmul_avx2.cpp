// AVX2 + FMA + F16C kernels for the weight matmul: 8 lanes per vector.
// Every function carries a target attribute instead of relying on build
// flags, so this file builds into every library; the dispatcher only calls
// it on CPUs that have the features. Keep std:: calls out of the attributed
// functions (an inline library function instantiated here could be
// compiled with AVX2).
#include <immintrin.h>

#include <cstdint>
#include <utility>

#include "weight_matmul_kernels.hpp"

#define LF_TARGET __attribute__((target("avx2,fma,f16c")))
#define LF_TARGET_INLINE LF_TARGET __attribute__((always_inline)) inline

namespace lf::detail::qmm {
namespace {

using i64 = std::int64_t;

struct Isa {
  using V = __m256;
  static constexpr int kLanes = 8;
  static constexpr int kRows = 2, kCols = kTileCols;  // 8 accumulators of 16 registers
  LF_TARGET_INLINE static V zero() { return _mm256_setzero_ps(); }
  LF_TARGET_INLINE static V load(const float* p) { return _mm256_loadu_ps(p); }
  LF_TARGET_INLINE static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  LF_TARGET_INLINE static V fma(V a, V b, V acc) { return _mm256_fmadd_ps(a, b, acc); }
  LF_TARGET_INLINE static float reduce(V v) {
    const __m128 q = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    const __m128 t = _mm_add_ps(q, _mm_movehl_ps(q, q));
    return _mm_cvtss_f32(_mm_add_ss(t, _mm_movehdup_ps(t)));
  }

  LF_TARGET_INLINE static float block_scale(const std::byte* block) {
    std::uint16_t h;
    __builtin_memcpy(&h, block, 2);
    return _cvtsh_ss(h);
  }

  // 8 weights of `row` from element p, as f32.
  template <WeightType T>
  LF_TARGET_INLINE static V weights(const std::byte* row, i64 p) {
    if constexpr (T == WeightType::f32) {
      return _mm256_loadu_ps(reinterpret_cast<const float*>(row) + p);
    } else if constexpr (T == WeightType::f16) {
      return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 2 * p)));
    } else if constexpr (T == WeightType::bf16) {
      const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 2 * p));
      return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
    } else {
      static_assert(T == WeightType::f32, "block types take the integer path (int8_block)");
    }
  }
  // ---- integer path (q8_0 / q4_0 weights, q8_0 rows of x) ----
  using V8 = __m256;
  using IV = __m256i;
  static constexpr int kIntRows = 2;
  LF_TARGET_INLINE static V8 zero8() { return _mm256_setzero_ps(); }
  LF_TARGET_INLINE static V8 to_float(IV v) { return _mm256_cvtepi32_ps(v); }
  LF_TARGET_INLINE static V8 fma8(V8 a, float s, V8 acc) { return _mm256_fmadd_ps(a, _mm256_set1_ps(s), acc); }
  LF_TARGET_INLINE static float reduce8(V8 v) { return reduce(v); }
  // A block's 32 values as int8: q8_0 as stored; q4_0's nibbles (low:
  // elements 0..15, high: 16..31) minus 8.
  template <WeightType T>
  LF_TARGET_INLINE static IV int8_block(const std::byte* block) {
    if constexpr (T == WeightType::q8_0) {
      return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block + 2));
    } else {
      const __m128i q = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 2));
      const __m128i low4 = _mm_set1_epi8(0x0f);
      const __m256i v = _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(q, 4), low4), _mm_and_si128(q, low4));
      return _mm256_sub_epi8(v, _mm256_set1_epi8(8));
    }
  }
  // Eight int32 sums of w * x over 4-byte groups. |w| as unsigned (128 for
  // -128) times x with w's sign: the products fit, x is never -128.
  LF_TARGET_INLINE static IV dot(IV w, IV x) {
    const __m256i ax = _mm256_sign_epi8(w, w), sy = _mm256_sign_epi8(x, w);
    return _mm256_madd_epi16(_mm256_maddubs_epi16(ax, sy), _mm256_set1_epi16(1));
  }
};

#include "weight_matmul_tiles.inc"

}  // namespace

const Kernels& avx2_kernels() {
  static const Kernels k = kernel_table();
  return k;
}

}  // namespace lf::detail::qmm
