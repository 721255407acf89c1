// Portable kernels for the weight matmul: plain C++, built for every CPU.
// They are the fallback and the baseline the SIMD variants are tested
// against, so they favour clarity over speed.
#include <cstring>

#include "liveformer/core/dtype.hpp"
#include "weight_matmul_kernels.hpp"

namespace lf::detail::qmm {
namespace {

std::uint16_t load_u16(const std::byte* p) {
  std::uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}

// Dot product of x with one weight row, per weight type. Each output
// element is one such call, so the result never depends on the batch.
float dot_f32(const float* x, const std::byte* w, std::int64_t k) {
  float s = 0;
  for (std::int64_t i = 0; i < k; ++i) {
    float v;
    std::memcpy(&v, w + 4 * i, 4);
    s += x[i] * v;
  }
  return s;
}

float dot_f16(const float* x, const std::byte* w, std::int64_t k) {
  float s = 0;
  for (std::int64_t i = 0; i < k; ++i) s += x[i] * f16_to_f32(load_u16(w + 2 * i));
  return s;
}

float dot_bf16(const float* x, const std::byte* w, std::int64_t k) {
  float s = 0;
  for (std::int64_t i = 0; i < k; ++i) s += x[i] * bf16_to_f32(load_u16(w + 2 * i));
  return s;
}

// Block types: sum x·q inside the block, then scale once by the block's d.
float dot_q8_0(const float* x, const std::byte* w, std::int64_t k) {
  float s = 0;
  for (std::int64_t b = 0; b < k / 32; ++b, w += 34, x += 32) {
    const auto* q = reinterpret_cast<const std::int8_t*>(w + 2);
    float t = 0;
    for (int j = 0; j < 32; ++j) t += x[j] * static_cast<float>(q[j]);
    s += t * f16_to_f32(load_u16(w));
  }
  return s;
}

float dot_q4_0(const float* x, const std::byte* w, std::int64_t k) {
  float s = 0;
  for (std::int64_t b = 0; b < k / 32; ++b, w += 18, x += 32) {
    const auto* q = reinterpret_cast<const std::uint8_t*>(w + 2);
    float t = 0;
    for (int j = 0; j < 16; ++j) {  // low nibble: element j; high: element j + 16
      t += x[j] * static_cast<float>((q[j] & 0x0f) - 8);
      t += x[j + 16] * static_cast<float>((q[j] >> 4) - 8);
    }
    s += t * f16_to_f32(load_u16(w));
  }
  return s;
}

template <float (*Dot)(const float*, const std::byte*, std::int64_t), int BlockBytes, int BlockSize>
void kernel(const float* const* x, std::int64_t m, const std::byte* w, std::int64_t k, std::int64_t n_begin,
            std::int64_t n_end, float* out, std::int64_t ldo, float* /*panel*/) {
  const std::int64_t row_bytes = k / BlockSize * BlockBytes;
  for (std::int64_t j = n_begin; j < n_end; ++j)
    for (std::int64_t i = 0; i < m; ++i) out[i * ldo + j] = Dot(x[i], w + j * row_bytes, k);
}

}  // namespace

const Kernels& scalar_kernels() {
  static const Kernels k{kernel<dot_f32, 4, 1>, kernel<dot_f16, 2, 1>, kernel<dot_bf16, 2, 1>, kernel<dot_q8_0, 34, 32>,
                         kernel<dot_q4_0, 18, 32>};
  return k;
}

}  // namespace lf::detail::qmm
