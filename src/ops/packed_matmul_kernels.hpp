// Internal: the packed q8_0 kernel's entry point (packed_matmul_avx512.cpp)
// and the prepared rows of x it reads.
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

}  // namespace lf::detail::packed
