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

#include "weight_matmul_x86.inc"

struct Isa {
  using V = __m256;
  static constexpr int kLanes = 8;
  static constexpr int kRows = 2, kCols = kTileCols;  // 8 accumulators of 16 registers
  LF_TARGET_INLINE static V zero() { return _mm256_setzero_ps(); }
  LF_TARGET_INLINE static V load(const float* p) { return _mm256_loadu_ps(p); }
  LF_TARGET_INLINE static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  LF_TARGET_INLINE static V fma(V a, V b, V acc) { return _mm256_fmadd_ps(a, b, acc); }
  LF_TARGET_INLINE static float reduce(V v) { return Int256::reduce(v); }

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
      static_assert(T == WeightType::f32, "block types take the integer path (weight_block)");
    }
  }
  // ---- integer path (q8_0 / q4_0 weights, q8_0 rows of x) ----
  // One 32-block per step: its dot product is eight exact int32 sums of
  // w * x over 4-byte groups, computed as dot(weight_blocks(w), x, x_correction(x)).
  static constexpr int kIntRows = 2, kQBlocks = 1;
  using QInt = __m256i;
  using QAcc = __m256;
  // q8_0: w as stored. q4_0: the unsigned nibbles (0..15).
  template <WeightType T>
  LF_TARGET_INLINE static __m256i weight_blocks(const std::byte* block, i64 /*stride*/, int /*nb*/) {
    if constexpr (T == WeightType::q8_0) return Int256::q8_block(block);
    else return Int256::q4_nibbles(block);
  }
  LF_TARGET_INLINE static __m256i x_blocks(const std::byte* block, int /*nb*/) { return Int256::q8_block(block); }
  // q4_0: -8 x the group sums of x (so nibble * x - 8 * x = (nibble - 8) * x);
  // once per x block, shared by every weight row of the tile.
  template <WeightType T>
  LF_TARGET_INLINE static __m256i x_correction(__m256i x) {
    if constexpr (T == WeightType::q8_0) return _mm256_setzero_si256();
    else return _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_set1_epi8(8), x), _mm256_set1_epi16(-1));
  }
  // maddubs multiplies unsigned by signed bytes into saturating int16 pairs.
  // q8_0: |w| times x with w's sign (pairs stay under 2 x 128 x 127, and x
  // is never -128). q4_0: nibbles are already unsigned (pairs <= 2 x 15 x 127).
  template <WeightType T>
  LF_TARGET_INLINE static __m256i dot(__m256i w, __m256i x, __m256i correction) {
    const __m256i ones = _mm256_set1_epi16(1);
    if constexpr (T == WeightType::q8_0) {
      const __m256i ax = _mm256_sign_epi8(w, w), sy = _mm256_sign_epi8(x, w);
      return _mm256_madd_epi16(_mm256_maddubs_epi16(ax, sy), ones);
    } else {
      return _mm256_add_epi32(_mm256_madd_epi16(_mm256_maddubs_epi16(w, x), ones), correction);
    }
  }
  LF_TARGET_INLINE static __m256 scales(const std::byte* block, i64 /*stride*/, int /*nb*/) {
    return _mm256_set1_ps(half_scale(block));
  }
  LF_TARGET_INLINE static __m256 qzero() { return _mm256_setzero_ps(); }
  LF_TARGET_INLINE static __m256 qmul(__m256 a, __m256 b) { return _mm256_mul_ps(a, b); }
  LF_TARGET_INLINE static __m256 qfma(__m256i lanes, __m256 scale, __m256 acc) {
    return _mm256_fmadd_ps(_mm256_cvtepi32_ps(lanes), scale, acc);
  }
  LF_TARGET_INLINE static float qreduce(__m256 v) { return Int256::reduce(v); }
};

#include "weight_matmul_tiles.inc"

}  // namespace

const Kernels& avx2_kernels() {
  static const Kernels k = kernel_table();
  return k;
}

}  // namespace lf::detail::qmm
