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

// q8_0 / q4_0 weights against a q8_0 row of x: an exact integer sum per
// block, scaled by d_w * d_x.
template <bool Q4>
float dot_quantized(const std::byte* xq, const std::byte* w, std::int64_t k) {
  float s = 0;
  for (std::int64_t b = 0; b < k / 32; ++b, xq += 34, w += Q4 ? 18 : 34) {
    const auto* qx = reinterpret_cast<const std::int8_t*>(xq + 2);
    std::int32_t t = 0;
    if constexpr (Q4) {
      const auto* q = reinterpret_cast<const std::uint8_t*>(w + 2);
      for (int j = 0; j < 16; ++j) t += qx[j] * ((q[j] & 0x0f) - 8) + qx[j + 16] * ((q[j] >> 4) - 8);
    } else {
      const auto* q = reinterpret_cast<const std::int8_t*>(w + 2);
      for (int j = 0; j < 32; ++j) t += qx[j] * q[j];
    }
    s += static_cast<float>(t) * (f16_to_f32(load_u16(w)) * f16_to_f32(load_u16(xq)));
  }
  return s;
}

template <bool Q4>
void qkernel(const std::byte* const* xq, std::int64_t m, const std::byte* w, std::int64_t k, std::int64_t n_begin,
             std::int64_t n_end, float* out, std::int64_t ldo) {
  const std::int64_t row_bytes = k / 32 * (Q4 ? 18 : 34);
  for (std::int64_t j = n_begin; j < n_end; ++j)
    for (std::int64_t i = 0; i < m; ++i) out[i * ldo + j] = dot_quantized<Q4>(xq[i], w + j * row_bytes, k);
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
  static const Kernels k{kernel<dot_f32, 4, 1>, kernel<dot_f16, 2, 1>, kernel<dot_bf16, 2, 1>, qkernel<false>, qkernel<true>};
  return k;
}

}  // namespace lf::detail::qmm
