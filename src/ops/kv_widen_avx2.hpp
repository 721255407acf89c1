// Internal: stored KV-cache values (f32, f16, bf16, q8_0) widened to f32 in
// AVX2 registers, exactly (the same values as to_f32_row), for the
// attention kernels: attention.cpp's widened tiles and
// decode_attention_avx2.cpp's dot products. Callers carry at least
// target("avx2,fma,f16c") and run only where default_isa() is not scalar.
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "liveformer/core/convert.hpp"
#include "liveformer/core/dtype.hpp"

#define LF_KV_WIDEN_INLINE __attribute__((target("avx2,fma,f16c"), always_inline)) inline

namespace lf::detail::kv {

/// Values p .. p + 7 of a row stored as T (f32, f16 or bf16).
template <DType T>
LF_KV_WIDEN_INLINE __m256 load8(const std::byte* row, std::int64_t p) {
  if constexpr (T == DType::f32) {
    return _mm256_loadu_ps(reinterpret_cast<const float*>(row) + p);
  } else {
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 2 * p));
    if constexpr (T == DType::f16) return _mm256_cvtph_ps(h);
    else return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
  }
}

/// Value p of a row stored as T (f32, f16 or bf16): the tails.
template <DType T>
LF_KV_WIDEN_INLINE float load1(const std::byte* row, std::int64_t p) {
  if constexpr (T == DType::f32) {
    float f;
    __builtin_memcpy(&f, row + 4 * p, 4);
    return f;
  } else {
    std::uint16_t h;
    __builtin_memcpy(&h, row + 2 * p, 2);
    return T == DType::f16 ? _cvtsh_ss(h) : bf16_to_f32(h);
  }
}

/// q8_0: bytes per block of 32 values (an f16 scale, then 32 int8).
inline constexpr std::int64_t kQ8Block = dtype_info(DType::q8_0).block_bytes;

/// A q8_0 block's scale.
LF_KV_WIDEN_INLINE float q8_scale(const std::byte* block) {
  std::uint16_t h;
  __builtin_memcpy(&h, block, 2);
  return _cvtsh_ss(h);
}

/// Values 8 * part .. 8 * part + 7 of a q8_0 block, unscaled.
LF_KV_WIDEN_INLINE __m256 q8_load8(const std::byte* block, int part) {
  const __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(block + 2 + 8 * part));
  return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(b));
}

}  // namespace lf::detail::kv
