// Helpers of the kernel tests: random inputs and dtype conversions for the
// CPU reference side.
#pragma once

#include <cstdint>
#include <random>
#include <span>

#include <liveformer/core/convert.hpp>
#include <liveformer/core/tensor.hpp>

namespace lf::test {

/// f32 tensor of normal(0, scale) values from `seed`.
inline Tensor random_tensor(const Shape& shape, std::uint32_t seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, scale);
  Tensor t = Tensor::empty(shape);
  for (std::int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

inline Tensor copy_f32(const Tensor& t) {
  return Tensor::from(std::span<const float>(t.data<float>(), static_cast<std::size_t>(t.numel())), t.shape());
}

/// `t` (f32, contiguous) stored as `type` (rounded / quantized by the
/// library's own conversions, the same ones the model loader uses).
inline Tensor convert_to(const Tensor& t, DType type) {
  Tensor out = Tensor::empty(t.shape(), type);
  from_f32_row(type, t.data<float>(), out.bytes(), t.numel());
  return out;
}

}  // namespace lf::test
