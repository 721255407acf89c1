// Element types, including block-quantized ones, and f16/bf16 conversions.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

namespace lf {

/// Storage type of a tensor's elements. Block-quantized types store
/// `block_size` elements in `block_bytes` bytes (GGUF layouts):
///   q8_0: f16 scale + 32 x int8                     (34 bytes / 32 elements)
///   q4_0: f16 scale + 16 bytes of 4-bit pairs        (18 bytes / 32 elements)
/// The types after q4_0 are read (dequantized, multiplied) but not written:
/// ggml's other legacy 32-blocks (q4_1, q5_0, q5_1, iq4_nl) and its
/// 256-element K-quant super-blocks (q2_k .. q6_k), as llama-quantize and
/// the model hubs ship them.
enum class DType : std::uint8_t { f32, f16, bf16, q8_0, q4_0, q4_1, q5_0, q5_1, iq4_nl, q2_k, q3_k, q4_k, q5_k, q6_k };

struct DTypeInfo {
  std::string_view name;
  std::int64_t block_size;   // elements per block (1 for scalar types)
  std::int64_t block_bytes;  // bytes per block
};

constexpr DTypeInfo dtype_info(DType t) {
  switch (t) {
    case DType::f32: return {"f32", 1, 4};
    case DType::f16: return {"f16", 1, 2};
    case DType::bf16: return {"bf16", 1, 2};
    case DType::q8_0: return {"q8_0", 32, 34};
    case DType::q4_0: return {"q4_0", 32, 18};
    case DType::q4_1: return {"q4_1", 32, 20};
    case DType::q5_0: return {"q5_0", 32, 22};
    case DType::q5_1: return {"q5_1", 32, 24};
    case DType::iq4_nl: return {"iq4_nl", 32, 18};
    case DType::q2_k: return {"q2_k", 256, 84};
    case DType::q3_k: return {"q3_k", 256, 110};
    case DType::q4_k: return {"q4_k", 256, 144};
    case DType::q5_k: return {"q5_k", 256, 176};
    case DType::q6_k: return {"q6_k", 256, 210};
  }
  return {"?", 1, 1};
}

constexpr std::string_view dtype_name(DType t) { return dtype_info(t).name; }

/// Whether liveformer can encode f32 values as `t` (from_f32_row, convert,
/// --quantize). The other block types are only read.
constexpr bool dtype_writable(DType t) {
  return t == DType::f32 || t == DType::f16 || t == DType::bf16 || t == DType::q8_0 || t == DType::q4_0;
}

/// The writable DType whose dtype_name() is `name` ("f32", "q8_0", ...), if
/// any. Read-only types (q4_k, ...) give nullopt, so the options that name
/// a target type (--type, --quantize, the C API's quantize) refuse them
/// before any work.
constexpr std::optional<DType> dtype_from_name(std::string_view name) {
  for (DType t : {DType::f32, DType::f16, DType::bf16, DType::q8_0, DType::q4_0})
    if (dtype_name(t) == name) return t;
  return std::nullopt;
}
constexpr bool is_quantized(DType t) { return dtype_info(t).block_size > 1; }

/// Bytes needed for `n` elements; `n` must be a multiple of the block size.
constexpr std::int64_t dtype_bytes(DType t, std::int64_t n) {
  const DTypeInfo i = dtype_info(t);
  return n / i.block_size * i.block_bytes;
}

// ---- f16 / bf16 <-> f32 -------------------------------------------------
// Software conversions (exact, round-to-nearest-even). Hot loops use F16C
// or AVX-512 instead; these are the reference and the portable fallback.

inline float f16_to_f32(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const std::uint32_t exp = (h >> 10) & 0x1fu;
  std::uint32_t mant = h & 0x3ffu;
  std::uint32_t bits;
  if (exp == 0x1f) {  // inf / nan
    bits = sign | 0x7f800000u | (mant << 13);
  } else if (exp != 0) {  // normal
    bits = sign | ((exp + 112) << 23) | (mant << 13);
  } else if (mant == 0) {  // zero
    bits = sign;
  } else {  // subnormal: renormalise
    std::uint32_t e = 113;
    while ((mant & 0x400u) == 0) {
      mant <<= 1;
      --e;
    }
    bits = sign | (e << 23) | ((mant & 0x3ffu) << 13);
  }
  return std::bit_cast<float>(bits);
}

inline std::uint16_t f32_to_f16(float f) {
  const std::uint32_t x = std::bit_cast<std::uint32_t>(f);
  const std::uint32_t sign = (x >> 16) & 0x8000u;
  const std::uint32_t abs = x & 0x7fffffffu;
  if (abs >= 0x7f800000u) {  // inf / nan (keep nan quiet)
    return static_cast<std::uint16_t>(sign | 0x7c00u | (abs > 0x7f800000u ? 0x200u : 0u));
  }
  if (abs >= 0x477ff000u) return static_cast<std::uint16_t>(sign | 0x7c00u);  // overflow
  if (abs < 0x38800000u) {  // result is subnormal or zero
    if (abs < 0x33000000u) return static_cast<std::uint16_t>(sign);
    const std::uint32_t e = abs >> 23;
    const std::uint32_t m = (abs & 0x7fffffu) | 0x800000u;
    const std::uint32_t shift = 126 - e;  // 14..24
    std::uint32_t r = m >> shift;
    const std::uint32_t rem = m & ((1u << shift) - 1);
    const std::uint32_t half = 1u << (shift - 1);
    if (rem > half || (rem == half && (r & 1u))) ++r;
    return static_cast<std::uint16_t>(sign | r);
  }
  std::uint32_t r = ((abs >> 13) - (112u << 10));
  const std::uint32_t rem = abs & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (r & 1u))) ++r;  // may carry into exponent: correct
  return static_cast<std::uint16_t>(sign | r);
}

inline float bf16_to_f32(std::uint16_t b) {
  return std::bit_cast<float>(static_cast<std::uint32_t>(b) << 16);
}

inline std::uint16_t f32_to_bf16(float f) {
  std::uint32_t x = std::bit_cast<std::uint32_t>(f);
  if ((x & 0x7fffffffu) > 0x7f800000u) return static_cast<std::uint16_t>((x >> 16) | 0x40u);
  x += 0x7fffu + ((x >> 16) & 1u);
  return static_cast<std::uint16_t>(x >> 16);
}

}  // namespace lf
