// AVX-512 (F, BW, VL) kernels for the weight matmul: 16 lanes per vector.
// Every function carries a target attribute instead of relying on build
// flags, so this file builds into every library; the dispatcher only calls
// it on CPUs that have the features. Keep std:: calls out of the attributed
// functions (an inline library function instantiated here could be
// compiled with AVX-512).
#include <immintrin.h>

#include <cstdint>
#include <utility>

#include "weight_matmul_kernels.hpp"

#define LF_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx2,fma,f16c")))
#define LF_TARGET_INLINE LF_TARGET __attribute__((always_inline)) inline

namespace lf::detail::qmm {
namespace {

using i64 = std::int64_t;
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
    const __m256 h = _mm256_add_ps(_mm256_load_ps(t), _mm256_load_ps(t + 8));
    const __m128 q = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
    const __m128 r = _mm_add_ps(q, _mm_movehl_ps(q, q));
    return _mm_cvtss_f32(_mm_add_ss(r, _mm_movehdup_ps(r)));
  }

  LF_TARGET_INLINE static float block_scale(const std::byte* block) {
    std::uint16_t h;
    __builtin_memcpy(&h, block, 2);
    return _cvtsh_ss(h);
  }

  // 16 weights of `row` from element p, as f32. Block types: p is 0 or 16
  // within a 32-element block; the weight is d * q, rounded once.
  template <WeightType T>
  LF_TARGET_INLINE static V weights(const std::byte* row, i64 p) {
    if constexpr (T == WeightType::f32) {
      return _mm512_loadu_ps(reinterpret_cast<const float*>(row) + p);
    } else if constexpr (T == WeightType::f16) {
      return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + 2 * p)));
    } else if constexpr (T == WeightType::bf16) {
      const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + 2 * p));
      return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
    } else if constexpr (T == WeightType::q8_0) {
      const std::byte* block = row + (p >> 5) * 34;
      const __m128i q = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 2 + (p & 31)));
      return _mm512_mul_ps(_mm512_set1_ps(block_scale(block)), _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(q)));
    } else {  // q4_0: low nibbles hold elements 0..15, high nibbles 16..31, offset by 8
      const std::byte* block = row + (p >> 5) * 18;
      __m128i q = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 2));
      if (p & 16) q = _mm_srli_epi16(q, 4);
      q = _mm_sub_epi8(_mm_and_si128(q, _mm_set1_epi8(0x0f)), _mm_set1_epi8(8));
      return _mm512_mul_ps(_mm512_set1_ps(block_scale(block)), _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(q)));
    }
  }
};

#include "weight_matmul_tiles.inc"

}  // namespace

const Kernels& avx512_kernels() {
  static const Kernels k = kernel_table();
  return k;
}

}  // namespace lf::detail::qmm
