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
      static_assert(T == WeightType::f32, "block types take the integer path (int8_block)");
    }
  }
  // ---- integer path (q8_0 / q4_0 weights, q8_0 rows of x) ----
  static constexpr int kIntRows = 4;
  // Eight int32 sums of w * x over 4-byte groups. |w| as unsigned (128 for
  // -128) times x with w's sign: the products fit, x is never -128.
  LF_TARGET_INLINE static __m256i dot(__m256i w, __m256i x) {
    const __m256i ax = _mm256_sign_epi8(w, w), sy = _mm256_sign_epi8(x, w);
    return _mm256_dpbusd_epi32(_mm256_setzero_si256(), ax, sy);
  }
};

#include "weight_matmul_tiles.inc"

}  // namespace

const Kernels& avx512_kernels() {
  static const Kernels k = kernel_table();
  return k;
}

}  // namespace lf::detail::qmm
