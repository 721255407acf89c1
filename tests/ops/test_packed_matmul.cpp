// matmul_packed (q8_0 / q4_0 weights rearranged for AVX-512 VNNI) against
// matmul_weights' portable scalar kernel, and its batch invariance.
#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <liveformer/core/convert.hpp>
#include <liveformer/ops/packed_matmul.hpp>
#include <liveformer/ops/weight_matmul.hpp>

#include "harness/compare.hpp"
#include "harness/reference.hpp"

using namespace lf;
using namespace lf::test;

namespace {

// Both kernels round x to q8_0 the same way and compute each block's dot
// product exactly in int32; they differ only in how the f32 block terms
// are rounded and summed (FMA vs multiply-add), a few ulp per block.
constexpr double kTolerance = 1e-5;

// q8_0 / q4_0 weights from raw bytes: every int8 value (-128 included) or
// nibble pair, and f16 scales over two decades.
Tensor raw_weights(DType type, std::int64_t n, std::int64_t k, std::mt19937& rng) {
  Tensor w = Tensor::empty({n, k}, type);
  const std::int64_t block = dtype_info(type).block_bytes;
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_real_distribution<float> scale(1e-3f, 1e-1f);
  for (std::int64_t blk = 0; blk < n * k / 32; ++blk) {
    std::byte* p = w.bytes() + blk * block;
    const std::uint16_t d = f32_to_f16(scale(rng));
    std::memcpy(p, &d, 2);
    for (std::int64_t i = 2; i < block; ++i) p[i] = static_cast<std::byte>(byte(rng));
  }
  return w;
}
Tensor raw_q8_weights(std::int64_t n, std::int64_t k, std::mt19937& rng) { return raw_weights(DType::q8_0, n, k, rng); }

bool packed_kernel_available() {
  std::mt19937 rng(1);
  if (PackedWeights::can_pack(raw_q8_weights(16, 32, rng))) return true;
  WARN("skipped: the packed q8_0 kernel needs AVX-512 VNNI (default variant here: " << isa_name(default_isa()) << ")");
  return false;
}

}  // namespace

TEST_CASE("matmul_packed equals matmul_weights' scalar kernel within f32 rounding", "[ops][packed]") {
  if (!packed_kernel_available()) return;
  for (DType type : {DType::q8_0, DType::q4_0})
    for (std::int64_t n : {16, 48, 256})
      for (std::int64_t k : {32, 96, 768})
        for (std::int64_t m : {1, 3, 8, 9, 20}) {
          auto rng = rng_for("packed " + std::string(dtype_name(type)) + std::to_string(n) + "x" + std::to_string(k) +
                             " m" + std::to_string(m));
          const Tensor x = random_tensor({m, k}, rng);
          const Tensor w = raw_weights(type, n, k, rng);
          const PackedWeights p = PackedWeights::pack(w);
          REQUIRE(p.rows() == n);
          REQUIRE(p.cols() == k);
          Tensor want = Tensor::empty({m, n}), got = Tensor::empty({m, n});
          matmul_weights(x, w, want, KernelIsa::scalar);
          matmul_packed(x, p, got);
          REQUIRE(p.type() == type);
          INFO(dtype_name(type) << " n " << n << " k " << k << " m " << m);
          CHECK(relative_error(got, want) <= kTolerance);
        }
}

TEST_CASE("matmul_packed is batch-invariant: a row alone equals the row in any batch and thread split",
          "[ops][packed]") {
  if (!packed_kernel_available()) return;
  for (DType type : {DType::q8_0, DType::q4_0}) {
    auto rng = rng_for("packed invariance " + std::string(dtype_name(type)));
    const std::int64_t n = 96, k = 256, m = 23;
    const Tensor x = random_tensor({m, k}, rng);
    const PackedWeights p = PackedWeights::pack(raw_weights(type, n, k, rng));
    std::vector<Tensor> alone;
    for (std::int64_t i = 0; i < m; ++i) {
      Tensor out = Tensor::empty({1, n});
      matmul_packed(x.slice(0, i, 1), p, out);
      alone.push_back(out);
    }
    for (int threads : {1, 2, 3}) {
      ThreadPool pool(threads);
      for (std::int64_t window : {2, 8, 9, 23}) {
        for (std::int64_t start = 0; start + window <= m; start += window) {
          Tensor out = Tensor::empty({window, n});
          matmul_packed(x.slice(0, start, window), p, out, &pool, threads);
          for (std::int64_t i = 0; i < window; ++i) {
            INFO(dtype_name(type) << ": threads " << threads << ", window " << window << ", row " << start + i);
            CHECK(std::memcmp(out.data<float>() + i * n, alone[static_cast<std::size_t>(start + i)].data<float>(),
                              sizeof(float) * static_cast<std::size_t>(n)) == 0);
          }
        }
      }
    }
  }
}

TEST_CASE("PackedWeights refuses what it cannot pack", "[ops][packed]") {
  auto rng = rng_for("packed refuse");
  CHECK_FALSE(PackedWeights::can_pack(Tensor::empty({16, 32}, DType::f16)));
  CHECK_FALSE(PackedWeights::can_pack(raw_q8_weights(17, 32, rng)));  // rows not a multiple of 16
  CHECK_FALSE(PackedWeights::can_pack(Tensor()));
  CHECK_THROWS_WITH(PackedWeights::pack(Tensor::empty({16, 32}, DType::f16)),
                    Catch::Contains("needs a q8_0 or q4_0 [N, K] matrix with N a multiple of 16"));
  if (!packed_kernel_available()) return;
  const PackedWeights p = PackedWeights::pack(raw_q8_weights(16, 64, rng));
  Tensor x = Tensor::empty({2, 32}), out = Tensor::empty({2, 16});
  CHECK_THROWS_WITH(matmul_packed(x, p, out), Catch::Contains("inner dimensions differ"));
  Tensor x2 = Tensor::empty({2, 64}), bad = Tensor::empty({2, 15});
  CHECK_THROWS_WITH(matmul_packed(x2, p, bad), Catch::Contains("out must be [2,16]"));
}
