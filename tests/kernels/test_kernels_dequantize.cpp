// q8_0 / q4_0 -> f16 dequantization in the emulator against the CPU's own
// dequantization (lf::to_f32_row) rounded to f16 by lf::from_f32_row: the
// bits must be identical (the kernel computes d · q exactly in f32 and
// rounds once, as the reference does). Sizes: one block, a partial group,
// exactly one group of 256 blocks, a group and one block, several groups;
// sources 16-byte aligned (the vector copy) and not (the 2-byte copy, as for
// a tile that starts mid-matrix).
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <vector>

#include <liveformer/core/convert.hpp>

#include "kernel_test_util.hpp"
#include "launch.hpp"

namespace {

struct alignas(16) Chunk {
  unsigned char bytes[16];
};

// `n` weights quantized to `type` by the library's conversion: normal
// values whose scale changes from block to block (1e-3 .. 1e3), one
// all-zero block (d = 0) and one block of a single spike.
std::vector<std::byte> quantized(lf::DType type, std::int64_t n, std::uint32_t seed) {
  lf::Tensor x = lf::test::random_tensor({n}, seed);
  float* v = x.data<float>();
  for (std::int64_t b = 0; b < n / 32; ++b) {
    const float scale = static_cast<float>(b % 7 == 3 ? 1e3 : b % 5 == 1 ? 1e-3 : 1.0);
    for (int i = 0; i < 32; ++i) v[b * 32 + i] *= scale;
  }
  if (n >= 96) {
    for (int i = 0; i < 32; ++i) v[32 + i] = 0.0f;
    for (int i = 0; i < 32; ++i) v[64 + i] = i == 17 ? -3.5f : 0.0f;
  }
  const lf::Tensor q = lf::test::convert_to(x, type);
  return std::vector<std::byte>(q.bytes(), q.bytes() + lf::dtype_bytes(type, n));
}

void check_dequantize(lf::DType type, std::int64_t n, std::size_t misalign, std::uint32_t seed) {
  const std::vector<std::byte> q = quantized(type, n, seed);
  // The expected bits: the CPU's f32 values rounded to f16.
  std::vector<float> dense(static_cast<std::size_t>(n));
  lf::to_f32_row(type, q.data(), dense.data(), n);
  std::vector<std::uint16_t> want(static_cast<std::size_t>(n));
  lf::from_f32_row(lf::DType::f16, dense.data(), reinterpret_cast<std::byte*>(want.data()), n);

  std::vector<Chunk> source((q.size() + misalign + 15) / 16);
  unsigned char* w = source.front().bytes + misalign;
  std::memcpy(w, q.data(), q.size());
  // One vector more than needed, to catch a write past n.
  std::vector<Chunk> out(static_cast<std::size_t>(n) * 2 / 16 + 1);
  std::memset(out.data(), 0xAB, out.size() * sizeof(Chunk));
  lf::kernels::dequantize_to_f16(w, type, out.data(), n);

  INFO(lf::dtype_name(type) << " n " << n << " source misaligned by " << misalign);
  std::vector<std::uint16_t> got(static_cast<std::size_t>(n) + 8);
  std::memcpy(got.data(), out.data(), got.size() * 2);
  std::int64_t wrong = 0;
  for (std::int64_t i = 0; i < n; ++i) wrong += got[static_cast<std::size_t>(i)] != want[static_cast<std::size_t>(i)];
  CHECK(wrong == 0);
  for (std::size_t i = static_cast<std::size_t>(n); i < got.size(); ++i) CHECK(got[i] == 0xABAB);
}

}  // namespace

TEST_CASE("cuda dequantize (emulated): q8_0 and q4_0 to f16 equal the CPU's values rounded to f16", "[kernels]") {
  std::uint32_t seed = 2100;
  for (lf::DType type : {lf::DType::q8_0, lf::DType::q4_0})
    for (std::int64_t blocks : {1, 3, 37, 256, 257, 600})
      for (std::size_t misalign : {0, 2, 6})
        check_dequantize(type, blocks * 32, misalign, seed += 3);
}

TEST_CASE("cuda dequantize rejects what it cannot read", "[kernels]") {
  using Catch::Matchers::Contains;
  std::vector<Chunk> w(8), out(8);
  REQUIRE_THROWS_WITH(lf::kernels::dequantize_to_f16(w.data(), lf::DType::q8_0, out.data(), 40),
                      Contains("cuda dequantize") && Contains("multiple of 32"));
  REQUIRE_THROWS_WITH(lf::kernels::dequantize_to_f16(w.data(), lf::DType::f16, out.data(), 32),
                      Contains("f16") && Contains("not supported"));
  REQUIRE_THROWS_WITH(lf::kernels::dequantize_to_f16(w.data(), lf::DType::q4_0, out.front().bytes + 2, 32),
                      Contains("16-byte aligned"));
  REQUIRE_THROWS_WITH(lf::kernels::dequantize_to_f16(w.front().bytes + 1, lf::DType::q4_0, out.data(), 32),
                      Contains("2-byte aligned"));
  REQUIRE_NOTHROW(lf::kernels::dequantize_to_f16(w.data(), lf::DType::q4_0, out.data(), 0));
}
