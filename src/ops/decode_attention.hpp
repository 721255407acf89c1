// Internal: one query token against a KV cache (a decode step), for
// attention.cpp. decode_attention_avx2.cpp implements it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "liveformer/core/dtype.hpp"

namespace lf::detail {

struct DecodeProblem {
  const float* q;            ///< query head h at q + h * q_head (d floats)
  std::int64_t q_head;       ///< floats
  const std::byte* k;        ///< key j of KV head g at k + j * k_row + g * k_head
  std::int64_t k_row, k_head;  ///< bytes
  const std::byte* v;        ///< value j of KV head g at v + j * v_row + g * v_head
  std::int64_t v_row, v_head;  ///< bytes
  std::int64_t n;            ///< keys in the cache view (reads and prefetches stay below)
  std::int64_t hq, hkv;      ///< query heads, KV heads (hkv divides hq)
  std::int64_t d, dv;        ///< key and value widths
  float scale;
};

/// Keys [j0, j1) of KV heads [g0, g1), read in memory order (key after
/// key, the range's heads of a key together: one stream, however narrow a
/// head is). Per query head h of those KV heads, with s_j = q_h · k_j ·
/// scale over those keys:
///   max[h] = max_j s_j, sum[h] = Σ_j exp(s_j - max[h]),
///   acc[h * dv + c] = Σ_j exp(s_j - max[h]) · v_j[c]
/// (the partial state of an online softmax; the caller merges chunks).
/// Other heads' entries are left alone, and a head's values do not depend
/// on the range it came in. scratch: hq * (j1 - j0) floats. K/V stored as
/// kv_type: f32, f16, bf16, or q8_0 with d and dv multiples of 32. Only
/// where the CPU has AVX2, FMA and F16C.
void decode_attention_chunk_avx2(DType kv_type, const DecodeProblem& p, std::int64_t j0, std::int64_t j1,
                                 std::int64_t g0, std::int64_t g1, float* max, float* sum, float* acc, float* scratch);

}  // namespace lf::detail
