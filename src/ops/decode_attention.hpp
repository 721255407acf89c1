// Internal: one query against one KV head's cached rows (a decode step),
// for attention.cpp. decode_attention_avx2.cpp implements it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "liveformer/core/dtype.hpp"

namespace lf::detail {

struct DecodeHead {
  const float* q;         ///< d floats
  const std::byte* k;     ///< key 0 of this head; key j at k + j * k_stride
  std::int64_t k_stride;  ///< bytes
  const std::byte* v;     ///< value 0; value j at v + j * v_stride
  std::int64_t v_stride;  ///< bytes
  std::int64_t n;         ///< keys the query sees (>= 1)
  std::int64_t d, dv;     ///< key and value widths
  float scale;
  float* out;  ///< dv floats
};

/// out = softmax(q · kᵀ · scale) · v over the head's n keys, keys and
/// values stored as kv_type (f32, f16, bf16, or q8_0 with d and dv
/// multiples of 32; strides in bytes). scores: n floats of
/// scratch. Only where the CPU has AVX2, FMA and F16C.
void decode_attention_avx2(DType kv_type, const DecodeHead& h, float* scores);

}  // namespace lf::detail
