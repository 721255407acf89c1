// The packed q8_0 kernel (see packed_matmul.hpp for the layout), AVX-512
// F/BW/VL + VNNI through a target attribute, as weight_matmul_avx512.cpp.
#include <immintrin.h>

#include <cstdint>
#include <array>
#include <utility>

#include "liveformer/core/dtype.hpp"
#include "packed_matmul_kernels.hpp"

#define LF_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma,f16c")))

namespace lf::detail::packed {
namespace {

using i64 = std::int64_t;

// Per block: int32 accumulators start at x's correction (-128 x sum of its
// block), take 8 dpbusd steps of [16 rows x 4 bytes] against broadcasts of
// 4 bytes of x, are then exact sums of w * x; one conversion and one FMA
// with d_w * d_x add the block to the f32 accumulator. M rows of x share
// each load of the weights.
// q4_0: 4 steps, each byte's low nibble meeting x element 4s + t and its
// high nibble element 16 + 4s + t: two dpbusd per loaded vector.
template <bool Q4, int M>
LF_TARGET void kernel(const XRow* x, const std::byte* group, i64 blocks, float* out, i64 ldo) {
  constexpr i64 kBlockBytes = Q4 ? 16 * 18 : 16 * 34;
  __m512 acc[M];
  for (int i = 0; i < M; ++i) acc[i] = _mm512_setzero_ps();
  for (i64 b = 0; b < blocks; ++b) {
    const std::byte* block = group + b * kBlockBytes;
    __m512i dot[M];
    for (int i = 0; i < M; ++i) dot[i] = _mm512_set1_epi32(x[i].corr[b]);
    const std::byte* q = block + 32;
    if constexpr (Q4) {
      const __m512i low4 = _mm512_set1_epi8(0x0f);
      for (int s = 0; s < 4; ++s) {
        const __m512i packed = _mm512_loadu_si512(q + 64 * s);
        const __m512i lo = _mm512_and_si512(packed, low4), hi = _mm512_and_si512(_mm512_srli_epi16(packed, 4), low4);
        for (int i = 0; i < M; ++i) {
          std::int32_t four_lo, four_hi;
          __builtin_memcpy(&four_lo, x[i].q8 + b * 34 + 2 + 4 * s, 4);
          __builtin_memcpy(&four_hi, x[i].q8 + b * 34 + 2 + 16 + 4 * s, 4);
          dot[i] = _mm512_dpbusd_epi32(dot[i], lo, _mm512_set1_epi32(four_lo));
          dot[i] = _mm512_dpbusd_epi32(dot[i], hi, _mm512_set1_epi32(four_hi));
        }
      }
    } else {
      for (int s = 0; s < 8; ++s) {
        const __m512i w = _mm512_loadu_si512(q + 64 * s);
        for (int i = 0; i < M; ++i) {
          std::int32_t four;
          __builtin_memcpy(&four, x[i].q8 + b * 34 + 2 + 4 * s, 4);
          dot[i] = _mm512_dpbusd_epi32(dot[i], w, _mm512_set1_epi32(four));
        }
      }
    }
    const __m512 dw = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(block)));
    for (int i = 0; i < M; ++i)
      acc[i] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot[i]), _mm512_mul_ps(dw, _mm512_set1_ps(x[i].scale[b])), acc[i]);
  }
  for (int i = 0; i < M; ++i) _mm512_storeu_ps(out + i * ldo, acc[i]);
}

template <bool Q4, int... M>
constexpr auto make_table(std::integer_sequence<int, M...>) {
  using Fn = void (*)(const XRow*, const std::byte*, i64, float*, i64);
  return std::array<Fn, sizeof...(M)>{&kernel<Q4, M + 1>...};
}

template <bool Q4>
LF_TARGET void dispatch(const XRow* x, int m, const std::byte* group, i64 blocks, float* out, i64 ldo) {
  static constexpr auto table = make_table<Q4>(std::make_integer_sequence<int, kMaxRows>());
  table[static_cast<std::size_t>(m - 1)](x, group, blocks, out, ldo);
}

}  // namespace

Kernel avx512_kernel(DType type) { return type == DType::q4_0 ? &dispatch<true> : &dispatch<false>; }

}  // namespace lf::detail::packed
