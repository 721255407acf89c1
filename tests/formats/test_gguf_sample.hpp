// The sample GGUF content shared by the GGUF tests and by
// tools/reference/check_gguf_writer.py (which recomputes the same values in
// numpy, so keep the two in step): one key of every metadata type, arrays of
// every element type, a nested and an empty array, and tensors of every
// DType liveformer writes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <liveformer/core/convert.hpp>
#include <liveformer/core/tensor.hpp>
#include <liveformer/formats/gguf.hpp>

namespace lf::test {

/// Element i of sample tensor number `seed`: k/16 for an integer k in
/// [-50, 50], exact in f32, f16 and bf16 alike.
inline float sample_value(std::int64_t i, int seed) {
  return static_cast<float>((i * 37 + seed * 11) % 101 - 50) / 16.0f;
}

/// A tensor of `shape` holding sample_value(i, seed), stored as `dtype`.
inline Tensor sample_tensor(const Shape& shape, DType dtype, int seed) {
  std::vector<float> v(static_cast<std::size_t>(shape.numel()));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = sample_value(static_cast<std::int64_t>(i), seed);
  Tensor t = Tensor::empty(shape, dtype);
  from_f32_row(dtype, v.data(), t.bytes(), shape.numel());
  return t;
}

struct SampleTensor {
  std::string name;
  Shape shape;  // liveformer order
  DType dtype;
  int seed;
};

inline std::vector<SampleTensor> sample_tensors() {
  return {
      {"t.f32", {3, 5}, DType::f32, 1},        {"t.f16", {2, 4}, DType::f16, 2},
      {"t.bf16", {7}, DType::bf16, 3},         {"t.q8_0", {2, 64}, DType::q8_0, 4},
      {"t.q4_0", {3, 32}, DType::q4_0, 5},     {"t.f32_4d", {2, 1, 3, 2}, DType::f32, 6},
      {"t.f16_big", {4, 40}, DType::f16, 7},   {"t.q8_0_3d", {2, 2, 32}, DType::q8_0, 8},
  };
}

/// Every metadata value of the sample, in insertion order.
inline std::vector<GgufKeyValue> sample_metadata() {
  return {
      {"general.architecture", GgufValue("liveformer-test")},
      {"test.u8", GgufValue(std::uint8_t{200})},
      {"test.i8", GgufValue(std::int8_t{-100})},
      {"test.u16", GgufValue(std::uint16_t{60000})},
      {"test.i16", GgufValue(std::int16_t{-30000})},
      {"test.u32", GgufValue(std::uint32_t{4000000000u})},
      {"test.i32", GgufValue(std::int32_t{-2000000000})},
      {"test.f32", GgufValue(1.5f)},
      {"test.bool", GgufValue(true)},
      {"test.string", GgufValue("h\xc3\xa9llo w\xc3\xb6rld")},  // "héllo wörld"
      {"test.u64", GgufValue(std::uint64_t{1099511627783ull})},  // 2^40 + 7
      {"test.i64", GgufValue(std::int64_t{-1099511627776ll})},   // -2^40
      {"test.f64", GgufValue(0.1)},
      {"test.array.u8", GgufValue(std::vector<std::uint8_t>{1, 2, 255})},
      {"test.array.i8", GgufValue(std::vector<std::int8_t>{-128, 0, 127})},
      {"test.array.u16", GgufValue(std::vector<std::uint16_t>{0, 65535})},
      {"test.array.i16", GgufValue(std::vector<std::int16_t>{-32768, 32767})},
      {"test.array.u32", GgufValue(std::vector<std::uint32_t>{7, 4294967295u})},
      {"test.array.i32", GgufValue(std::vector<std::int32_t>{-5, 0, 5, 2147483647})},
      {"test.array.f32", GgufValue(std::vector<float>{0.5f, -2.25f, 1e-3f})},
      {"test.array.bool", GgufValue(std::vector<bool>{true, false, true})},
      {"test.array.string", GgufValue(std::vector<std::string>{"a", "", "\xc3\xbcn\xc3\xaf"})},  // "ünï"
      {"test.array.u64", GgufValue(std::vector<std::uint64_t>{0, 18446744073709551615ull})},
      {"test.array.i64", GgufValue(std::vector<std::int64_t>{-9223372036854775807ll - 1, 42})},
      {"test.array.f64", GgufValue(std::vector<double>{0.25, -1e100})},
      {"test.array.nested",
       GgufValue(std::vector<GgufArray>{GgufArray{std::vector<std::int32_t>{1, 2}},
                                        GgufArray{std::vector<std::string>{"x"}}})},
      {"test.array.empty", GgufValue(std::vector<float>{})},
  };
}

/// A writer holding the whole sample.
inline GgufWriter sample_writer(std::uint32_t alignment = 32) {
  GgufWriter w(alignment);
  for (const GgufKeyValue& kv : sample_metadata()) w.set(kv.key, kv.value);
  for (const SampleTensor& t : sample_tensors()) w.add_tensor(t.name, sample_tensor(t.shape, t.dtype, t.seed));
  return w;
}

}  // namespace lf::test
