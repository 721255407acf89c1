// Decoders for ggml's legacy 32-element blocks that liveformer only reads:
// q4_1, q5_0, q5_1 and iq4_nl. In every one, element j < 16 of a block
// comes from the low nibble of quant byte j and element j + 16 from its
// high nibble.
#include <cstring>

#include "dequantize_blocks.hpp"
#include "liveformer/core/dtype.hpp"

// The reference rounds d * q before adding m; a fused multiply-add would
// differ in the last bit, so no contraction here (-march=native has FMA).
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace lf::detail {
namespace {

float load_f16(const std::byte* p) {
  std::uint16_t h;
  std::memcpy(&h, p, 2);
  return f16_to_f32(h);
}

std::uint32_t load_u32_le(const std::byte* p) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | std::to_integer<std::uint32_t>(p[i]);
  return v;
}

// The 4-bit value of element 16 * half + l (l < 16) of a block whose 16
// quant bytes are `qs`. Callers loop over half outside and l inside, so the
// inner loop is 16 uniform steps and vectorizes.
int nibble(const std::byte* qs, int half, int l) { return (std::to_integer<int>(qs[l]) >> (4 * half)) & 0x0f; }

}  // namespace

// q4_1 (20 bytes): f16 d, f16 m, 16 bytes of nibbles; x = d * q + m.
void dequantize_q4_1(const std::byte* src, float* dst, std::int64_t n_blocks) {
  for (std::int64_t b = 0; b < n_blocks; ++b, src += 20, dst += 32) {
    const float d = load_f16(src), m = load_f16(src + 2);
    for (int half = 0; half < 2; ++half)
      for (int l = 0; l < 16; ++l) dst[16 * half + l] = d * static_cast<float>(nibble(src + 4, half, l)) + m;
  }
}

// q5_0 (22 bytes): f16 d, 32 high bits (bit j for element j, little
// endian), 16 bytes of nibbles; x = d * (q - 16).
void dequantize_q5_0(const std::byte* src, float* dst, std::int64_t n_blocks) {
  for (std::int64_t b = 0; b < n_blocks; ++b, src += 22, dst += 32) {
    const float d = load_f16(src);
    const std::uint32_t high = load_u32_le(src + 2);
    for (int half = 0; half < 2; ++half)
      for (int l = 0; l < 16; ++l) {
        const int j = 16 * half + l;
        const int q = nibble(src + 6, half, l) | static_cast<int>(((high >> j) & 1u) << 4);
        dst[j] = d * static_cast<float>(q - 16);
      }
  }
}

// q5_1 (24 bytes): f16 d, f16 m, 32 high bits, 16 bytes of nibbles;
// x = d * q + m.
void dequantize_q5_1(const std::byte* src, float* dst, std::int64_t n_blocks) {
  for (std::int64_t b = 0; b < n_blocks; ++b, src += 24, dst += 32) {
    const float d = load_f16(src), m = load_f16(src + 2);
    const std::uint32_t high = load_u32_le(src + 4);
    for (int half = 0; half < 2; ++half)
      for (int l = 0; l < 16; ++l) {
        const int j = 16 * half + l;
        const int q = nibble(src + 8, half, l) | static_cast<int>(((high >> j) & 1u) << 4);
        dst[j] = d * static_cast<float>(q) + m;
      }
  }
}

// iq4_nl (18 bytes): f16 d, 16 bytes of nibbles indexing a fixed
// non-uniform grid (denser near zero, where weights cluster); x = d * grid[q].
void dequantize_iq4_nl(const std::byte* src, float* dst, std::int64_t n_blocks) {
  static constexpr int kGrid[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};
  for (std::int64_t b = 0; b < n_blocks; ++b, src += 18, dst += 32) {
    const float d = load_f16(src);
    for (int half = 0; half < 2; ++half)
      for (int l = 0; l < 16; ++l) dst[16 * half + l] = d * static_cast<float>(kGrid[nibble(src + 2, half, l)]);
  }
}

}  // namespace lf::detail
