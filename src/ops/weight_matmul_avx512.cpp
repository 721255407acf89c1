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
#define LF_TARGET_INLINE_LAMBDA __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma,f16c"), always_inline))

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
  // Two consecutive 32-blocks per step, one in each 256-bit half: one
  // dpbusd, one conversion and one FMA serve both (a last odd block runs
  // with a zero upper half, which adds exactly 0).
  static constexpr int kIntRows = 4, kQBlocks = 2;
  using QInt = __m512i;
  using QAcc = __m512;
  LF_TARGET_INLINE static __m512i join(__m256i lo, __m256i hi) {
    return _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
  }
  // nb blocks at `block` (stride apart), each loaded by `one`.
  template <class Load>
  LF_TARGET_INLINE static __m512i two_blocks(const std::byte* block, i64 stride, int nb, Load one) {
    return join(one(block), nb == 2 ? one(block + stride) : _mm256_setzero_si256());
  }
  // VNNI multiplies unsigned by signed bytes, so weights go unsigned: q8_0
  // as w + 128 (w XOR 0x80), q4_0 as its nibbles (w + 8).
  template <WeightType T>
  LF_TARGET_INLINE static __m512i weight_blocks(const std::byte* block, i64 stride, int nb) {
    if constexpr (T == WeightType::q8_0) {
      return two_blocks(block, stride, nb, [](const std::byte* p) LF_TARGET_INLINE_LAMBDA {
        return _mm256_xor_si256(Int256::q8_block(p), _mm256_set1_epi8(-128));
      });
    } else {
      return two_blocks(block, stride, nb, [](const std::byte* p) LF_TARGET_INLINE_LAMBDA { return Int256::q4_nibbles(p); });
    }
  }
  LF_TARGET_INLINE static __m512i x_blocks(const std::byte* block, int nb) {
    return two_blocks(block, 34, nb, [](const std::byte* p) LF_TARGET_INLINE_LAMBDA { return Int256::q8_block(p); });
  }
  // -offset x the group sums of x, once per x step (shared by every weight
  // row of the tile): (w + offset) * x - offset * x = w * x, exactly. A zero
  // upper half gets a zero correction.
  template <WeightType T>
  LF_TARGET_INLINE static __m512i x_correction(__m512i x) {
    const __m512i offset = _mm512_set1_epi8(T == WeightType::q8_0 ? -128 : 8);  // as unsigned: 128 or 8
    return _mm512_sub_epi32(_mm512_setzero_si512(), _mm512_dpbusd_epi32(_mm512_setzero_si512(), offset, x));
  }
  // One instruction: the correction is dpbusd's accumulator (no overflow:
  // four products of 255 x 127 per group).
  template <WeightType T>
  LF_TARGET_INLINE static __m512i dot(__m512i w, __m512i x, __m512i correction) {
    return _mm512_dpbusd_epi32(correction, w, x);
  }
  // Lanes 0..7: the first block's f16 scale, 8..15: the second's (0 if none).
  LF_TARGET_INLINE static __m512 scales(const std::byte* block, i64 stride, int nb) {
    std::uint16_t lo, hi = 0;
    __builtin_memcpy(&lo, block, 2);
    if (nb == 2) __builtin_memcpy(&hi, block + stride, 2);
    const __m128 two = _mm_cvtph_ps(_mm_cvtsi32_si128(static_cast<int>(lo | (static_cast<std::uint32_t>(hi) << 16))));
    const __m512i pick = _mm512_set_epi32(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0);
    return _mm512_permutexvar_ps(pick, _mm512_castps128_ps512(two));
  }
  LF_TARGET_INLINE static __m512 qzero() { return _mm512_setzero_ps(); }
  LF_TARGET_INLINE static __m512 qmul(__m512 a, __m512 b) { return _mm512_mul_ps(a, b); }
  LF_TARGET_INLINE static __m512 qfma(__m512i lanes, __m512 scale, __m512 acc) {
    return _mm512_fmadd_ps(_mm512_cvtepi32_ps(lanes), scale, acc);
  }
  // The two halves (blocks of even and odd index) added, then the 8-lane sum.
  LF_TARGET_INLINE static float qreduce(__m512 v) {
    alignas(64) float t[16];
    _mm512_store_ps(t, v);
    return Int256::reduce(_mm256_add_ps(_mm256_load_ps(t), _mm256_load_ps(t + 8)));
  }
};

#include "weight_matmul_tiles.inc"

}  // namespace

const Kernels& avx512_kernels() {
  static const Kernels k = kernel_table();
  return k;
}

}  // namespace lf::detail::qmm
