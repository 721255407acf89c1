// Rounding f32 rows to a storage type on hot paths (K/V rows written to the
// cache every token, activations rounded to q8_0 before a block product).
#pragma once

#include <cstddef>
#include <cstdint>

#include "liveformer/core/dtype.hpp"

namespace lf {

/// Same bytes as from_f32_row(type, src, dst, n) (core's scalar reference),
/// with SIMD where the CPU has it: q8_0 through AVX-512, f16 through F16C
/// (NaN payloads aside, which the hardware quiets).
void quantize_row(DType type, const float* src, std::byte* dst, std::int64_t n);

}  // namespace lf
