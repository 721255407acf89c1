// Row conversions between storage dtypes and f32 (dequantization included).
#pragma once

#include <cstddef>
#include <cstdint>

#include "liveformer/core/dtype.hpp"

namespace lf {

/// Writes `n` f32 values decoded from `src` (laid out as `type`) to `dst`.
/// For block types `n` must be a multiple of the block size. Scalar
/// reference code: fast paths live with the kernels that need them.
void to_f32_row(DType type, const std::byte* src, float* dst, std::int64_t n);

/// Encodes `n` f32 values as `type` into `dst` (quantizing block types with
/// the GGUF rounding rules). For block types `n` must be a multiple of the
/// block size.
void from_f32_row(DType type, const float* src, std::byte* dst, std::int64_t n);

}  // namespace lf
