#include "liveformer/core/convert.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "cpu_features.hpp"
#include "dequantize_blocks.hpp"
#include "liveformer/core/error.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace lf {
namespace {

std::uint16_t load_u16(const std::byte* p) {
  std::uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}

void store_u16(std::byte* p, std::uint16_t v) { std::memcpy(p, &v, 2); }

void check_blocks(DType type, std::int64_t n, const char* where) {
  const std::int64_t bs = dtype_info(type).block_size;
  LF_CHECK(n % bs == 0, where,
        std::to_string(n) + " elements is not a multiple of the " + std::string(dtype_name(type)) +
            " block size " + std::to_string(bs));
}

#if defined(__x86_64__)
// F16C converts 8 halves per instruction; the conversion is exact, so the
// results equal f16_to_f32's (NaNs aside: the hardware quiets a signalling
// NaN).
__attribute__((target("avx2,f16c"))) std::int64_t f16_to_f32_f16c(const std::byte* src, float* dst, std::int64_t n) {
  std::int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 2 * i))));
  return i;
}
#endif

}  // namespace

void to_f32_row(DType type, const std::byte* src, float* dst, std::int64_t n) {
  check_blocks(type, n, "to_f32_row");
  switch (type) {
    case DType::f32:
      std::memcpy(dst, src, static_cast<std::size_t>(n) * 4);
      return;
    case DType::f16: {
      std::int64_t i = 0;
#if defined(__x86_64__)
      if (detail::cpu_has_f16c()) i = f16_to_f32_f16c(src, dst, n);
#endif
      for (; i < n; ++i) dst[i] = f16_to_f32(load_u16(src + 2 * i));
      return;
    }
    case DType::bf16:
      for (std::int64_t i = 0; i < n; ++i) dst[i] = bf16_to_f32(load_u16(src + 2 * i));
      return;
    case DType::q8_0:
      for (std::int64_t b = 0; b < n / 32; ++b, src += 34, dst += 32) {
        const float d = f16_to_f32(load_u16(src));
        const auto* q = reinterpret_cast<const std::int8_t*>(src + 2);
        for (int j = 0; j < 32; ++j) dst[j] = d * static_cast<float>(q[j]);
      }
      return;
    case DType::q4_0:
      // Element j of a block is the low nibble of byte j, element j + 16 the
      // high nibble, both offset by 8 (ggml's layout).
      for (std::int64_t b = 0; b < n / 32; ++b, src += 18, dst += 32) {
        const float d = f16_to_f32(load_u16(src));
        const auto* q = reinterpret_cast<const std::uint8_t*>(src + 2);
        for (int j = 0; j < 16; ++j) {
          dst[j] = d * static_cast<float>((q[j] & 0x0f) - 8);
          dst[j + 16] = d * static_cast<float>((q[j] >> 4) - 8);
        }
      }
      return;
    case DType::q4_1: return detail::dequantize_q4_1(src, dst, n / 32);
    case DType::q5_0: return detail::dequantize_q5_0(src, dst, n / 32);
    case DType::q5_1: return detail::dequantize_q5_1(src, dst, n / 32);
    case DType::iq4_nl: return detail::dequantize_iq4_nl(src, dst, n / 32);
    case DType::q2_k: return detail::dequantize_q2_k(src, dst, n / 256);
    case DType::q3_k: return detail::dequantize_q3_k(src, dst, n / 256);
    case DType::q4_k: return detail::dequantize_q4_k(src, dst, n / 256);
    case DType::q5_k: return detail::dequantize_q5_k(src, dst, n / 256);
    case DType::q6_k: return detail::dequantize_q6_k(src, dst, n / 256);
  }
  throw_error("to_f32_row", "unknown dtype");
}

// std::lround for |v| <= 127 (a q8_0 value) without a library call per
// element. Truncation and the fraction v - t are exact, so ties go away
// from zero as lround's do. The clamp keeps the conversion defined for NaN
// (sent to -127, as std::fmax(NaN, -127) would) and for the last ulp past
// 127; it is written as comparisons because std::fmin / std::fmax compile
// to calls (their NaN rules), which kept this loop scalar. The packed
// kernels' AVX-512 rounding (round_x_q8_avx512) must match this bit for bit.
inline int round_half_away(float v) {
  v = v > -127.0f ? v : -127.0f;
  v = v < 127.0f ? v : 127.0f;
  const int t = static_cast<int>(v);
  const float f = v - static_cast<float>(t);
  return t + (f >= 0.5f) - (f <= -0.5f);
}

void from_f32_row(DType type, const float* src, std::byte* dst, std::int64_t n) {
  LF_CHECK(dtype_writable(type), "from_f32_row",
           "liveformer reads " + std::string(dtype_name(type)) +
               " tensors but cannot write them yet; write f32, f16, bf16, q8_0 or q4_0");
  check_blocks(type, n, "from_f32_row");
  switch (type) {
    case DType::f32:
      std::memcpy(dst, src, static_cast<std::size_t>(n) * 4);
      return;
    case DType::f16:
      for (std::int64_t i = 0; i < n; ++i) store_u16(dst + 2 * i, f32_to_f16(src[i]));
      return;
    case DType::bf16:
      for (std::int64_t i = 0; i < n; ++i) store_u16(dst + 2 * i, f32_to_bf16(src[i]));
      return;
    case DType::q8_0:
      for (std::int64_t b = 0; b < n / 32; ++b, src += 32, dst += 34) {
        float amax = 0;
        for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(src[j]));
        const float d = amax / 127.0f;
        const float inv = d != 0 ? 1.0f / d : 0.0f;
        store_u16(dst, f32_to_f16(d));
        auto* q = reinterpret_cast<std::int8_t*>(dst + 2);
        for (int j = 0; j < 32; ++j) q[j] = static_cast<std::int8_t>(round_half_away(src[j] * inv));
      }
      return;
    case DType::q4_0:
      // The scale maps the value of largest magnitude (with its sign) to -8,
      // so the asymmetric 4-bit range [-8, 7] is used in full.
      for (std::int64_t b = 0; b < n / 32; ++b, src += 32, dst += 18) {
        float amax = 0, vmax = 0;
        for (int j = 0; j < 32; ++j) {
          if (std::fabs(src[j]) > amax) {
            amax = std::fabs(src[j]);
            vmax = src[j];
          }
        }
        const float d = vmax / -8.0f;
        const float inv = d != 0 ? 1.0f / d : 0.0f;
        store_u16(dst, f32_to_f16(d));
        auto* q = reinterpret_cast<std::uint8_t*>(dst + 2);
        for (int j = 0; j < 16; ++j) {
          const int lo = std::min(15, static_cast<int>(src[j] * inv + 8.5f));
          const int hi = std::min(15, static_cast<int>(src[j + 16] * inv + 8.5f));
          q[j] = static_cast<std::uint8_t>(lo | (hi << 4));
        }
      }
      return;
    default: break;  // read-only types, refused above
  }
  throw_error("from_f32_row", "unknown dtype");
}

}  // namespace lf
