// The packed f32 / f16 and bf16 kernels (see packed_matmul.hpp for the layouts),
// AVX-512 through a target attribute, as weight_matmul_avx512.cpp.
//
// An outer-product tile: per element p of K, one vector load gives 16
// weight rows' values, and each of up to 12 rows of x contributes one
// broadcast x[i][p] and one FMA per loaded vector. 12 x 2 vectors of
// accumulators take 24 FMAs per 2 loads + 12 broadcasts, so the tile is
// bound by the FMA units, not by the caches (the dot-product tile of
// matmul_weights loads one vector of x and one of w per 2 FMAs at 4 x 4).
//
// Per output element the operations are: acc = 0, then acc = fma(x[p],
// w[p], acc) for p = 0, 1, ..., K - 1, one lane of one accumulator. How many
// rows of x or groups run side by side never changes them, so a row's
// result is the same whatever the batch or the thread split.
#include <immintrin.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

#include "packed_matmul_kernels.hpp"

#define LF_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx2,fma,f16c")))
#define LF_TARGET_INLINE LF_TARGET __attribute__((always_inline)) inline

namespace lf::detail::packed {
namespace {

using i64 = std::int64_t;

// 16 weights (one per row of the group) at element p, as f32.
template <DType T>
LF_TARGET_INLINE __m512 weights_at(const std::byte* group, i64 p) {
  if constexpr (T == DType::f32) {
    return _mm512_loadu_ps(reinterpret_cast<const float*>(group) + 16 * p);
  } else {
    static_assert(T == DType::f16, "bf16 has its own kernel (tile_bf16)");
    return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(group + 32 * p)));
  }
}

// MR rows of x (panel[p * MR + i]) against NG groups (group_bytes apart).
template <DType T, int MR, int NG>
LF_TARGET void tile(const float* panel, const std::byte* group, i64 group_bytes, i64 k, float* out, i64 ldo,
                    __mmask16 last_mask) {
  __m512 acc[MR][NG];
  for (int i = 0; i < MR; ++i)
    for (int g = 0; g < NG; ++g) acc[i][g] = _mm512_setzero_ps();
  for (i64 p = 0; p < k; ++p) {
    __m512 w[NG];
    for (int g = 0; g < NG; ++g) w[g] = weights_at<T>(group + g * group_bytes, p);
    for (int i = 0; i < MR; ++i) {
      const __m512 xb = _mm512_set1_ps(panel[p * MR + i]);
      for (int g = 0; g < NG; ++g) acc[i][g] = _mm512_fmadd_ps(xb, w[g], acc[i][g]);
    }
  }
  for (int i = 0; i < MR; ++i)
    for (int g = 0; g < NG; ++g)
      _mm512_mask_storeu_ps(out + i * ldo + 16 * g, g == NG - 1 ? last_mask : __mmask16(0xffff), acc[i][g]);
}

using TileFn = void (*)(const float*, const std::byte*, i64, i64, float*, i64, __mmask16);

template <DType T, int NG, int... MR>
constexpr std::array<TileFn, sizeof...(MR)> make_row(std::integer_sequence<int, MR...>) {
  return {&tile<T, MR + 1, NG>...};
}

// One row of x (decode): up to kMaxDecodeGroups groups side by side, so
// enough FMA chains and memory streams are in flight to keep up with DRAM.
template <DType T, int... NG>
constexpr std::array<TileFn, sizeof...(NG)> make_decode(std::integer_sequence<int, NG...>) {
  return {&tile<T, 1, NG + 1>...};
}

template <DType T>
LF_TARGET void dispatch(const float* panel, int mr, const std::byte* group, i64 group_bytes, int ng, i64 k,
                        float* out, i64 ldo, int last_rows) {
  static constexpr auto one = make_row<T, 1>(std::make_integer_sequence<int, kFloatRows>());
  static constexpr auto two = make_row<T, 2>(std::make_integer_sequence<int, kFloatRows>());
  static constexpr auto decode = make_decode<T>(std::make_integer_sequence<int, kMaxDecodeGroups>());
  const auto mask = static_cast<__mmask16>((1u << last_rows) - 1u);
  const TileFn fn = mr == 1 ? decode[static_cast<std::size_t>(ng - 1)]
                            : (ng == 2 ? two : one)[static_cast<std::size_t>(mr - 1)];
  fn(panel, group, group_bytes, k, out, ldo, mask);
}

// ---- bf16 weights: two products per lane with vdpbf16ps ----------------
// The packed bf16 layout holds pairs: per pair q of K, 16 rows x (w[r][2q],
// w[r][2q + 1]) in 64 bytes. x comes as pairs of bf16 too (panel[q * MR +
// i]: x[i][2q] low, x[i][2q + 1] high), so one vdpbf16ps adds two exact
// products to each of 16 lanes: twice the rate of an f32 FMA. Per output
// element: acc = 0, then one vdpbf16ps per pair, in order, whatever MR or
// NG: batch-invariant like the f32 tile.
#define LF_TARGET_BF16 __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16,avx2,fma,f16c")))

template <int MR, int NG>
LF_TARGET_BF16 void tile_bf16(const std::uint32_t* panel, const std::byte* group, i64 group_bytes, i64 pairs,
                              float* out, i64 ldo, __mmask16 last_mask) {
  __m512 acc[MR][NG];
  for (int i = 0; i < MR; ++i)
    for (int g = 0; g < NG; ++g) acc[i][g] = _mm512_setzero_ps();
  for (i64 q = 0; q < pairs; ++q) {
    __m512bh w[NG];
    for (int g = 0; g < NG; ++g) w[g] = (__m512bh)_mm512_loadu_si512(group + g * group_bytes + 64 * q);
    for (int i = 0; i < MR; ++i) {
      const __m512bh xb = (__m512bh)_mm512_set1_epi32(static_cast<int>(panel[q * MR + i]));
      for (int g = 0; g < NG; ++g) acc[i][g] = _mm512_dpbf16_ps(acc[i][g], w[g], xb);
    }
  }
  for (int i = 0; i < MR; ++i)
    for (int g = 0; g < NG; ++g)
      _mm512_mask_storeu_ps(out + i * ldo + 16 * g, g == NG - 1 ? last_mask : __mmask16(0xffff), acc[i][g]);
}

using Bf16TileFn = void (*)(const std::uint32_t*, const std::byte*, i64, i64, float*, i64, __mmask16);

template <int NG, int... MR>
constexpr std::array<Bf16TileFn, sizeof...(MR)> make_bf16_row(std::integer_sequence<int, MR...>) {
  return {&tile_bf16<MR + 1, NG>...};
}

template <int... NG>
constexpr std::array<Bf16TileFn, sizeof...(NG)> make_bf16_decode(std::integer_sequence<int, NG...>) {
  return {&tile_bf16<1, NG + 1>...};
}

LF_TARGET_BF16 void dispatch_bf16(const std::uint32_t* panel, int mr, const std::byte* group, i64 group_bytes, int ng,
                                  i64 pairs, float* out, i64 ldo, int last_rows) {
  static constexpr auto one = make_bf16_row<1>(std::make_integer_sequence<int, kFloatRows>());
  static constexpr auto two = make_bf16_row<2>(std::make_integer_sequence<int, kFloatRows>());
  static constexpr auto decode = make_bf16_decode(std::make_integer_sequence<int, kMaxDecodeGroups>());
  const auto mask = static_cast<__mmask16>((1u << last_rows) - 1u);
  const Bf16TileFn fn = mr == 1 ? decode[static_cast<std::size_t>(ng - 1)]
                                : (ng == 2 ? two : one)[static_cast<std::size_t>(mr - 1)];
  fn(panel, group, group_bytes, pairs, out, ldo, mask);
}

}  // namespace

Bf16Kernel avx512_bf16_kernel() { return &dispatch_bf16; }

// 16 pairs per step: vcvtne2ps2bf16 rounds 32 values (nearest even; the
// instruction flushes subnormal inputs and outputs to zero), whose bf16
// bytes in order are the 16 pair words.
LF_TARGET_BF16 void bf16_pairs_avx512(const float* x, i64 k, std::uint32_t* out, i64 stride) {
  i64 p = 0;
  alignas(64) std::uint32_t words[16];
  for (; p + 32 <= k; p += 32) {
    const __m512bh b = _mm512_cvtne2ps_pbh(_mm512_loadu_ps(x + p + 16), _mm512_loadu_ps(x + p));
    _mm512_store_si512(words, (__m512i)b);
    for (int t = 0; t < 16; ++t) out[(p / 2 + t) * stride] = words[t];
  }
  if (p < k) {  // the last k - p values (an even count), zero-padded to 32
    const __mmask16 lo = static_cast<__mmask16>(k - p >= 16 ? 0xffff : (1u << (k - p)) - 1u);
    const __mmask16 hi = static_cast<__mmask16>(k - p <= 16 ? 0 : (1u << (k - p - 16)) - 1u);
    const __m512bh b = _mm512_cvtne2ps_pbh(_mm512_maskz_loadu_ps(hi, x + p + 16), _mm512_maskz_loadu_ps(lo, x + p));
    _mm512_store_si512(words, (__m512i)b);
    for (i64 t = 0; t < (k - p) / 2; ++t) out[(p / 2 + t) * stride] = words[t];
  }
}

namespace {

// c[j] lane i = r[i] lane j for 16 vectors of 16 32-bit lanes: pairs of
// 32-bit then 64-bit unpacks leave, in 128-bit lane L of u[4k + m], rows
// 4k .. 4k + 3 of column 4L + m; two rounds of 128-bit shuffles gather each
// column's four lanes.
LF_TARGET_INLINE void transpose16(const __m512 r[16], __m512 c[16]) {
  __m512 t[16], u[16];
  for (int k = 0; k < 8; ++k) {
    t[2 * k] = _mm512_unpacklo_ps(r[2 * k], r[2 * k + 1]);
    t[2 * k + 1] = _mm512_unpackhi_ps(r[2 * k], r[2 * k + 1]);
  }
  for (int k = 0; k < 4; ++k) {
    const __m512d a = _mm512_castps_pd(t[4 * k]), b = _mm512_castps_pd(t[4 * k + 2]);
    const __m512d e = _mm512_castps_pd(t[4 * k + 1]), f = _mm512_castps_pd(t[4 * k + 3]);
    u[4 * k] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, b));
    u[4 * k + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, b));
    u[4 * k + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(e, f));
    u[4 * k + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(e, f));
  }
  for (int m = 0; m < 4; ++m) {
    const __m512 v0 = _mm512_shuffle_f32x4(u[m], u[4 + m], 0x44), v1 = _mm512_shuffle_f32x4(u[m], u[4 + m], 0xEE);
    const __m512 w0 = _mm512_shuffle_f32x4(u[8 + m], u[12 + m], 0x44), w1 = _mm512_shuffle_f32x4(u[8 + m], u[12 + m], 0xEE);
    c[m] = _mm512_shuffle_f32x4(v0, w0, 0x88);
    c[4 + m] = _mm512_shuffle_f32x4(v0, w0, 0xDD);
    c[8 + m] = _mm512_shuffle_f32x4(v1, w1, 0x88);
    c[12 + m] = _mm512_shuffle_f32x4(v1, w1, 0xDD);
  }
}

// panel[(c0 + j) * mr + i] = lane j of r[i], for j < 16 and i < mr (r[i]
// zero for i >= mr): 16 stores of mr lanes, together one contiguous run.
LF_TARGET_INLINE void store_columns(const __m512 r[16], int mr, float* panel, i64 c0) {
  __m512 c[16];
  transpose16(r, c);
  const auto lanes = static_cast<__mmask16>((1u << mr) - 1u);
  for (int j = 0; j < 16; ++j) _mm512_mask_storeu_ps(panel + (c0 + j) * mr, lanes, c[j]);
}

}  // namespace

LF_TARGET void float_panel_avx512(const float* const rows[], int mr, i64 k, float* panel) {
  if (mr == 1) {  // one row is its own panel
    std::copy_n(rows[0], k, panel);
    return;
  }
  i64 p = 0;
  for (; p + 16 <= k; p += 16) {
    __m512 r[16];
    for (int i = 0; i < 16; ++i) r[i] = i < mr ? _mm512_loadu_ps(rows[i] + p) : _mm512_setzero_ps();
    store_columns(r, mr, panel, p);
  }
  for (; p < k; ++p)
    for (int i = 0; i < mr; ++i) panel[p * mr + i] = rows[i][p];
}

LF_TARGET_BF16 void bf16_panel_avx512(const float* const rows[], int mr, i64 k, std::uint32_t* panel) {
  if (mr == 1) {  // a decode step: the pairs in order, no transpose
    bf16_pairs_avx512(rows[0], k, panel, 1);
    return;
  }
  i64 p = 0;
  for (; p + 32 <= k; p += 32) {
    __m512 r[16];
    for (int i = 0; i < 16; ++i)
      r[i] = i < mr ? (__m512)_mm512_cvtne2ps_pbh(_mm512_loadu_ps(rows[i] + p + 16), _mm512_loadu_ps(rows[i] + p))
                    : _mm512_setzero_ps();
    store_columns(r, mr, reinterpret_cast<float*>(panel), p / 2);
  }
  if (p < k)  // the last k - p values (fewer than 32, an even count)
    for (int i = 0; i < mr; ++i) bf16_pairs_avx512(rows[i] + p, k - p, panel + (p / 2) * mr + i, mr);
}

FloatKernel avx512_float_kernel(DType type) {
  switch (type) {
    case DType::f16: return &dispatch<DType::f16>;
    default: return &dispatch<DType::f32>;
  }
}

}  // namespace lf::detail::packed
