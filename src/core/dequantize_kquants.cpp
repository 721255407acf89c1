// Decoders for ggml's K-quants: super-blocks of 256 elements (QK_K) split
// into sub-blocks of 16 or 32 that each carry a small integer scale (and
// for the "asymmetric" types a min) relative to the super-block's f16
// d (and dmin). A sub-block's factors are computed once, as d * scale and
// dmin * min, and every element is then factor * q (- min factor), the
// order in which gguf-py's reference rounds.
#include <cstring>

#include "dequantize_blocks.hpp"
#include "liveformer/core/dtype.hpp"

// factor * q - min_factor must round the product first, as the reference
// does; a fused multiply-add would differ in the last bit.
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace lf::detail {
namespace {

constexpr int kSuperBlock = 256;

float load_f16(const std::byte* p) {
  std::uint16_t h;
  std::memcpy(&h, p, 2);
  return f16_to_f32(h);
}

int u8(const std::byte* p, int i) { return std::to_integer<int>(p[i]); }

// q4_k / q5_k pack eight 6-bit scales and eight 6-bit mins in 12 bytes:
// sub-blocks 0-3 use the low 6 bits of bytes 0-3 (scales) and 4-7 (mins);
// sub-blocks 4-7 take their low 4 bits from bytes 8-11 (scale low nibble,
// min high nibble) and their top 2 bits from the top of bytes 0-3 / 4-7.
void unpack_scale_min(const std::byte* packed, int sub, int& scale, int& min) {
  if (sub < 4) {
    scale = u8(packed, sub) & 0x3f;
    min = u8(packed, sub + 4) & 0x3f;
  } else {
    scale = (u8(packed, sub + 4) & 0x0f) | ((u8(packed, sub - 4) >> 6) << 4);
    min = (u8(packed, sub + 4) >> 4) | ((u8(packed, sub) >> 6) << 4);
  }
}

}  // namespace

// q2_k (84 bytes): 16 scale bytes (low nibble scale, high nibble min, one
// per 16 elements), 64 bytes of 2-bit quants, f16 d, f16 dmin.
// Element e = 128h + 32s + l takes bits 2s..2s+1 of quant byte 32h + l.
void dequantize_q2_k(const std::byte* src, float* dst, std::int64_t n_blocks) {
  for (std::int64_t b = 0; b < n_blocks; ++b, src += 84, dst += kSuperBlock) {
    const std::byte* scales = src;
    const std::byte* qs = src + 16;
    const float d = load_f16(src + 80), dmin = load_f16(src + 82);
    // Loops ordered so that the innermost one runs over 16 elements with
    // one scale and min (sub-block 8h + 2s + half): it vectorizes.
    for (int h = 0; h < 2; ++h)
      for (int s = 0; s < 4; ++s)
        for (int half = 0; half < 2; ++half) {
          const int sub = 8 * h + 2 * s + half;
          const float factor = d * static_cast<float>(u8(scales, sub) & 0x0f);
          const float min_factor = dmin * static_cast<float>(u8(scales, sub) >> 4);
          float* out = dst + 16 * sub;
          const std::byte* q = qs + 32 * h + 16 * half;
          for (int l = 0; l < 16; ++l) out[l] = factor * static_cast<float>((u8(q, l) >> (2 * s)) & 3) - min_factor;
        }
  }
}

// q3_k (110 bytes): 32 bytes of high bits, 64 bytes of 2-bit low parts,
// 12 bytes of sixteen 6-bit scales (offset by 32), f16 d. Element
// e = 128h + 32s + l: low bits 2s..2s+1 of byte 32h + l; its high bit is
// bit 4h + s of hmask byte l, and a clear high bit subtracts 4.
void dequantize_q3_k(const std::byte* src, float* dst, std::int64_t n_blocks) {
  for (std::int64_t b = 0; b < n_blocks; ++b, src += 110, dst += kSuperBlock) {
    const std::byte* hmask = src;
    const std::byte* qs = src + 32;
    const std::byte* packed = src + 96;
    const float d = load_f16(src + 108);
    float factors[16];
    for (int i = 0; i < 16; ++i) {
      // Low 4 bits: nibble (i / 8) of byte i % 8; top 2 bits: bits
      // 2 (i / 4)..+1 of byte 8 + i % 4.
      const int low = (u8(packed, i % 8) >> (4 * (i / 8))) & 0x0f;
      const int high = (u8(packed, 8 + i % 4) >> (2 * (i / 4))) & 3;
      factors[i] = d * static_cast<float>((low | (high << 4)) - 32);
    }
    for (int h = 0; h < 2; ++h)
      for (int s = 0; s < 4; ++s)
        for (int half = 0; half < 2; ++half) {  // 16 elements of sub-block 8h + 2s + half
          const float factor = factors[8 * h + 2 * s + half];
          float* out = dst + 128 * h + 32 * s + 16 * half;
          const std::byte* q = qs + 32 * h + 16 * half;
          const std::byte* mask = hmask + 16 * half;
          for (int l = 0; l < 16; ++l) {
            const int low = (u8(q, l) >> (2 * s)) & 3;
            const int high_set = (u8(mask, l) >> (4 * h + s)) & 1;
            out[l] = factor * static_cast<float>(low - 4 + 4 * high_set);
          }
        }
  }
}

// q4_k (144 bytes): f16 d, f16 dmin, 12 bytes of packed scales/mins (one
// pair per 32 elements), 128 bytes of nibbles. Element e = 64c + 32s + l
// is nibble s of byte 32c + l.
// q5_k (176 bytes): the same with 32 bytes of fifth bits between the
// scales and the nibbles: element e = 32j + l has bit j of byte l.
template <bool kFifthBit>
void dequantize_q4_or_q5_k(const std::byte* src, float* dst, std::int64_t n_blocks) {
  constexpr std::ptrdiff_t kBlockBytes = kFifthBit ? 176 : 144, kNibblesAt = kFifthBit ? 48 : 16;
  for (std::int64_t b = 0; b < n_blocks; ++b, src += kBlockBytes, dst += kSuperBlock) {
    const float d = load_f16(src), dmin = load_f16(src + 2);
    const std::byte* packed = src + 4;
    const std::byte* qh = src + 16;  // q5_k only
    const std::byte* qs = src + kNibblesAt;
    for (int sub = 0; sub < 8; ++sub) {
      int scale, min;
      unpack_scale_min(packed, sub, scale, min);
      const float factor = d * static_cast<float>(scale), min_factor = dmin * static_cast<float>(min);
      const int c = sub / 2, s = sub % 2;
      for (int l = 0; l < 32; ++l) {
        int q = (u8(qs, 32 * c + l) >> (4 * s)) & 0x0f;
        if constexpr (kFifthBit) q |= ((u8(qh, l) >> sub) & 1) << 4;
        dst[32 * sub + l] = factor * static_cast<float>(q) - min_factor;
      }
    }
  }
}

void dequantize_q4_k(const std::byte* src, float* dst, std::int64_t n_blocks) {
  dequantize_q4_or_q5_k<false>(src, dst, n_blocks);
}

void dequantize_q5_k(const std::byte* src, float* dst, std::int64_t n_blocks) {
  dequantize_q4_or_q5_k<true>(src, dst, n_blocks);
}

// q6_k (210 bytes): 128 bytes of low nibbles, 64 bytes of 2-bit high
// parts, 16 int8 scales (one per 16 elements), f16 d; x = d * scale *
// (q - 32).
void dequantize_q6_k(const std::byte* src, float* dst, std::int64_t n_blocks) {
  for (std::int64_t b = 0; b < n_blocks; ++b, src += 210, dst += kSuperBlock) {
    const std::byte* ql = src;
    const std::byte* qh = src + 128;
    const std::byte* scales = src + 192;
    const float d = load_f16(src + 208);
    // e = 128h + 32t + l: nibble t / 2 of byte 64h + 32(t % 2) + l, high
    // bits 2t of byte 32h + l, scale 8h + 2t + l / 16; the innermost loop
    // runs over 16 elements of one scale, so it vectorizes.
    for (int h = 0; h < 2; ++h)
      for (int t = 0; t < 4; ++t)
        for (int half = 0; half < 2; ++half) {
          const int sub = 8 * h + 2 * t + half;
          const float factor = d * static_cast<float>(static_cast<std::int8_t>(u8(scales, sub)));
          float* out = dst + 16 * sub;
          const std::byte* low_bytes = ql + 64 * h + 32 * (t % 2) + 16 * half;
          const std::byte* high_bytes = qh + 32 * h + 16 * half;
          for (int l = 0; l < 16; ++l) {
            const int low = (u8(low_bytes, l) >> (4 * (t / 2))) & 0x0f;
            const int high = (u8(high_bytes, l) >> (2 * t)) & 3;
            out[l] = factor * static_cast<float>((low | (high << 4)) - 32);
          }
        }
  }
}

}  // namespace lf::detail
