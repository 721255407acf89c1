// Internal: the AVX-512 rounding of f32 rows to q8_0 blocks, shared by
// quantize_row (KV-cache rows) and the packed q8_0 / q4_0 products (x's
// rows). quantize_avx512.cpp implements it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lf::detail {

/// Rounds k floats of x (k % 32 == 0) to q8_0 blocks exactly as
/// from_f32_row does (bit for bit), and writes each block's sum of int8
/// values and its scale as f32 (each skipped when null). AVX-512 F/BW/VL
/// (call only where default_isa() is avx512).
void round_x_q8_avx512(const float* x, std::int64_t k, std::byte* q8, std::int32_t* sums, float* scales);

}  // namespace lf::detail
