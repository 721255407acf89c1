// Token embedding lookup.
#pragma once

#include <cstdint>
#include <span>

#include "liveformer/core/tensor.hpp"

namespace lf {

/// out[i] = table[ids[i]] converted to f32. table: [V, D] of any dtype
/// (quantized rows are dequantized); out: f32 [ids.size(), D], contiguous.
/// An id outside [0, V) throws.
void embedding(const Tensor& table, std::span<const std::int32_t> ids, Tensor& out);

}  // namespace lf
