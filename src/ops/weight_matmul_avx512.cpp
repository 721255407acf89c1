// AVX-512 (F, BW, VL, VNNI) kernels for the weight matmul: 16 lanes per vector.
// Every function carries a target attribute instead of relying on build
// flags, so this file builds into every library; the dispatcher only calls
// it on CPUs that have the features. Keep std:: calls out of the attributed
// functions (an inline library function instantiated here could be
// compiled with AVX-512).
#include <immintrin.h>

#include <cstdint>
#include <utility>

#include "weight_matmul_kernels.hpp"

#define LF_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma,f16c")))
#define LF_TARGET_INLINE LF_TARGET __attribute__((always_inline)) inline

namespace lf::detail::qmm {
namespace {

using i64 = std::int64_t;

#include "weight_matmul_x86.inc"

struct Isa {
  using V = __m512;
  static constexpr int kLanes = 16;
  static constexpr int kRows = 4, kCols = kTileCols;  // 16 accumulators of 32 registers
  LF_TARGET_INLINE static V zero() { return _mm512_setzero_ps(); }
  LF_TARGET_INLINE static V load(const float* p) { return _mm512_loadu_ps(p); }
  LF_TARGET_INLINE static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  LF_TARGET_INLINE static V fma(V a, V b, V acc) { return _mm512_fmadd_ps(a, b, acc); }
  LF_TARGET_INLINE static float reduce(V v) {
    // Through memory: GCC 12 warns falsely on every 512-bit extract
    // intrinsic (they use _mm*_undefined_*), and this runs once per output.
    alignas(64) float t[16];
    _mm512_store_ps(t, v);
    return Int256::reduce(_mm256_add_ps(_mm256_load_ps(t), _mm256_load_ps(t + 8)));
  }

  // 16 weights of `row` from element p, as f32.
  template <WeightType T>
  LF_TARGET_INLINE static V weights(const std::byte* row, i64 p) {
    if constexpr (T == WeightType::f32) {
      return _mm512_loadu_ps(reinterpret_cast<const float*>(row) + p);
    } else if constexpr (T == WeightType::f16) {
      return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + 2 * p)));
    } else if constexpr (T == WeightType::bf16) {
      const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + 2 * p));
      return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
    } else {
      static_assert(T == WeightType::f32, "block types take the integer path (weight_block)");
    }
  }
  // ---- integer path (q8_0 / q4_0 weights, q8_0 rows of x) ----
  // Each block's dot product is eight exact int32 sums of w * x over 4-byte
  // groups, computed as dot(weight_block(w), x, x_correction(x)).
  static constexpr int kIntRows = 4;
  // VNNI multiplies unsigned by signed bytes, so weights go unsigned: q8_0
  // as w + 128 (w XOR 0x80), q4_0 as its nibbles (w + 8).
  template <WeightType T>
  LF_TARGET_INLINE static __m256i weight_block(const std::byte* block) {
    if constexpr (T == WeightType::q8_0) return _mm256_xor_si256(Int256::q8_block(block), _mm256_set1_epi8(-128));
    else return Int256::q4_nibbles(block);
  }
  // -offset x the group sums of x, once per x block (shared by every weight
  // row of the tile): (w + offset) * x - offset * x = w * x, exactly.
  template <WeightType T>
  LF_TARGET_INLINE static __m256i x_correction(__m256i x) {
    const __m256i offset = _mm256_set1_epi8(T == WeightType::q8_0 ? -128 : 8);  // as unsigned: 128 or 8
    return _mm256_sub_epi32(_mm256_setzero_si256(), _mm256_dpbusd_epi32(_mm256_setzero_si256(), offset, x));
  }
  // One instruction: the correction is dpbusd's accumulator (no overflow:
  // four products of 255 x 127 per group).
  template <WeightType T>
  LF_TARGET_INLINE static __m256i dot(__m256i w, __m256i x, __m256i correction) {
    return _mm256_dpbusd_epi32(correction, w, x);
  }
};

#include "weight_matmul_tiles.inc"

}  // namespace

const Kernels& avx512_kernels() {
  static const Kernels k = kernel_table();
  return k;
}

}  // namespace lf::detail::qmm
