// quantize_row (SIMD where the CPU has it) against from_f32_row, core's
// scalar reference: the same bytes for every type.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include <liveformer/core/convert.hpp>
#include <liveformer/ops/quantize.hpp>
#include <liveformer/ops/weight_matmul.hpp>

using namespace lf;

TEST_CASE("quantize_row writes from_f32_row's bytes", "[ops][quantize]") {
  INFO("kernel variant " << isa_name(default_isa()));
  std::mt19937 rng(5);
  std::vector<float> x;
  for (float scale : {1e-30f, 1e-6f, 1.0f, 6e4f, 1e6f, 3e38f}) {  // f16 subnormals, overflow to inf, huge
    std::uniform_real_distribution<float> u(-scale, scale);
    for (int i = 0; i < 32 * 7; ++i) x.push_back(u(rng));
  }
  for (int j = 0; j < 32; ++j) x.push_back(static_cast<float>(j - 16) + 0.5f);  // halves: exact in f16 and bf16
  x.push_back(std::numeric_limits<float>::infinity());
  x.push_back(-0.0f);
  for (int j = 0; j < 30; ++j) x.push_back(0.0f);
  for (DType type : {DType::f32, DType::f16, DType::bf16, DType::q8_0}) {
    // Every length (tails of 8 for F16C) for the scalar types; whole blocks for q8_0.
    for (std::int64_t n : {std::int64_t{1}, std::int64_t{7}, std::int64_t{8}, std::int64_t{45},
                           static_cast<std::int64_t>(x.size())}) {
      if (n % dtype_info(type).block_size != 0) continue;
      INFO(dtype_name(type) << " n " << n);
      std::vector<std::byte> want(static_cast<std::size_t>(dtype_bytes(type, n))), got(want.size());
      from_f32_row(type, x.data(), want.data(), n);
      quantize_row(type, x.data(), got.data(), n);
      CHECK(std::memcmp(want.data(), got.data(), want.size()) == 0);
    }
  }
  // NaN: q8_0 sends it to -127 like from_f32_row (F16C keeps a NaN's payload
  // where f32_to_f16 does not, so f16 is not compared on NaN).
  std::vector<float> with_nan(x.begin(), x.begin() + 32);
  with_nan[5] = std::numeric_limits<float>::quiet_NaN();
  std::vector<std::byte> want(34), got(34);
  from_f32_row(DType::q8_0, with_nan.data(), want.data(), 32);
  quantize_row(DType::q8_0, with_nan.data(), got.data(), 32);
  CHECK(std::memcmp(want.data(), got.data(), 34) == 0);
  CHECK(static_cast<std::int8_t>(got[2 + 5]) == -127);
  // A q8_0 row that is not whole blocks is refused, as from_f32_row refuses it.
  CHECK_THROWS_WITH(quantize_row(DType::q8_0, x.data(), got.data(), 7), Catch::Matchers::Contains("not a multiple"));
}
