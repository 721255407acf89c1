// Internal: the packed kernels' entry points (packed_matmul_avx512.cpp for
// q8_0 / q4_0, packed_float_avx512.cpp for f32 / f16 / bf16) and the
// prepared rows of x they read.
#pragma once

#include <cstddef>
#include <cstdint>

#include "liveformer/core/dtype.hpp"

namespace lf::detail::packed {

/// One row of x rounded to q8_0 blocks, prepared for the packed kernel.
struct XRow {
  const std::byte* q8;        ///< q8_0 blocks as from_f32_row writes them (34 bytes each)
  const std::int32_t* corr;   ///< per block: -offset x the sum of its int8 values (128 for q8_0, 8 for q4_0)
  const float* scale;         ///< per block: d_x as f32
};

/// Most rows of x one kernel call takes.
inline constexpr int kMaxRows = 8;

/// out[i * ldo + r] for rows i < m (m <= kMaxRows) of x and the 16 weight
/// rows r of one packed group of `blocks` 32-blocks.
using Kernel = void (*)(const XRow* x, int m, const std::byte* group, std::int64_t blocks, float* out,
                        std::int64_t ldo);

/// The AVX-512 VNNI kernel for q8_0 or q4_0 (call only where the CPU has it).
Kernel avx512_kernel(DType type);

/// Most rows of x one float-kernel call takes.
inline constexpr int kFloatRows = 12;

/// Most groups a float-kernel call takes: 2, or kMaxDecodeGroups for one
/// row of x.
inline constexpr int kMaxDecodeGroups = 4;

/// Float weights: out[i * ldo + 16 g + r] for rows i < mr (mr <= kFloatRows)
/// of x, given as a panel with the mr rows interleaved per element
/// (panel[p * mr + i] = x[i][p]), and the rows r of ng (1 or 2; up to
/// kMaxDecodeGroups when mr is 1) consecutive
/// packed groups (group_bytes apart; in the last of them only rows
/// r < last_rows are written).
using FloatKernel = void (*)(const float* panel, int mr, const std::byte* group, std::int64_t group_bytes, int ng,
                             std::int64_t k, float* out, std::int64_t ldo, int last_rows);

/// The AVX-512 kernel for f32 or f16 (call only where the CPU has it).
FloatKernel avx512_float_kernel(DType type);

/// bf16 weights packed as pairs (per pair q of K, 16 rows' w[r][2q] and
/// w[r][2q + 1]), x as pairs of bf16 (panel[q * mr + i]: x[i][2q] in the low
/// half): out[i * ldo + 16 g + r] as the float kernel, over `pairs` = K / 2
/// pairs, with vdpbf16ps (AVX-512 BF16; call only where the CPU has it).
using Bf16Kernel = void (*)(const std::uint32_t* panel, int mr, const std::byte* group, std::int64_t group_bytes,
                            int ng, std::int64_t pairs, float* out, std::int64_t ldo, int last_rows);
Bf16Kernel avx512_bf16_kernel();

/// x[0..k) (k even) rounded to bf16 pairs: out[q * stride] = bf16(x[2q]) |
/// bf16(x[2q + 1]) << 16, rounding to nearest even with subnormals flushed
/// to zero (vcvtne2ps2bf16). AVX-512 BF16.
void bf16_pairs_avx512(const float* x, std::int64_t k, std::uint32_t* out, std::int64_t stride);

/// x's rows for the float kernel: panel[p * mr + i] = rows[i][p] for
/// i < mr (<= kFloatRows), p < k; 16 values of each row per step,
/// transposed in registers. AVX-512.
void float_panel_avx512(const float* const rows[], int mr, std::int64_t k, float* panel);

/// The same for the bf16 kernel: panel[q * mr + i] = pair q of rows[i]
/// rounded as bf16_pairs_avx512 rounds it (k even). AVX-512 BF16.
void bf16_panel_avx512(const float* const rows[], int mr, std::int64_t k, std::uint32_t* panel);

}  // namespace lf::detail::packed
