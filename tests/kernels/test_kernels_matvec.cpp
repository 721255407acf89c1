// Decode matrix-vector kernels in the emulator against (1) the exact product
// of the dequantized weights with x, in double, and (2) lf::matmul_weights.
// Tolerances: relative norm error 1e-5 against the exact product (the
// kernels accumulate in f32); against the CPU op 1e-5 for f16/bf16 and
// 1e-2 for q8_0/q4_0, whose CPU kernels round x to q8_0 first (about 0.5%
// per output on average). That average needs many outputs: with one or a
// few, a near-cancelling dot product makes the CPU op's own relative error
// large, so for quantized weights the CPU comparison uses n_out >= 64.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include <liveformer/core/convert.hpp>
#include <liveformer/ops.hpp>

#include "harness/compare.hpp"
#include "kernel_test_util.hpp"
#include "launch.hpp"

namespace {

using lf::test::random_tensor;
using lf::test::relative_error;

// x · wᵀ in double from w's dequantized values.
std::vector<double> exact_product(const lf::Tensor& x, const lf::Tensor& w) {
  const std::int64_t rows = x.dim(0), k = x.dim(1), n_out = w.dim(0);
  std::vector<float> dense(static_cast<std::size_t>(n_out * k));
  lf::to_f32_row(w.dtype(), w.bytes(), dense.data(), n_out * k);
  std::vector<double> out(static_cast<std::size_t>(rows * n_out));
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t n = 0; n < n_out; ++n) {
      double s = 0;
      for (std::int64_t c = 0; c < k; ++c)
        s += static_cast<double>(x.data<float>()[r * k + c]) * dense[static_cast<std::size_t>(n * k + c)];
      out[static_cast<std::size_t>(r * n_out + n)] = s;
    }
  return out;
}

void check_matvec(lf::DType type, std::int64_t rows, std::int64_t n_out, std::int64_t k, std::uint32_t seed) {
  const lf::Tensor x = random_tensor({rows, k}, seed);
  const lf::Tensor w = lf::test::convert_to(random_tensor({n_out, k}, seed + 1, 0.5f), type);
  lf::Tensor got = lf::Tensor::empty({rows, n_out});
  lf::kernels::matvec(w.bytes(), type, x.data<float>(), got.data<float>(), rows, n_out, k);
  INFO(lf::dtype_name(type) << " rows " << rows << " n_out " << n_out << " k " << k);
  CHECK(relative_error(got, exact_product(x, w)) <= 1e-5);
  lf::Tensor cpu = lf::Tensor::empty({rows, n_out});
  lf::matmul_weights(x, w, cpu);
  const bool quant = type == lf::DType::q8_0 || type == lf::DType::q4_0;
  if (!quant)
    CHECK(relative_error(got, cpu) <= 1e-5);
  else if (n_out >= 64)
    CHECK(relative_error(got, cpu) <= 1e-2);
}

}  // namespace

TEST_CASE("cuda matvec (emulated) for f16 and bf16 weights", "[kernels]") {
  std::uint32_t seed = 800;
  for (lf::DType type : {lf::DType::f16, lf::DType::bf16})
    for (std::int64_t rows : {1, 3, 6})  // 6: a chunk of 4 rows and one of 2
      for (std::int64_t n_out : {1, 7, 33})
        for (std::int64_t k : {8, 37, 264, 520})  // 37: the unaligned scalar path; 520: 2 vector steps + a partial
          check_matvec(type, rows, n_out, k, seed += 2);
}

TEST_CASE("cuda matvec (emulated) for q8_0 and q4_0 weights", "[kernels]") {
  std::uint32_t seed = 900;
  for (lf::DType type : {lf::DType::q8_0, lf::DType::q4_0})
    for (std::int64_t rows : {1, 2, 5})
      for (std::int64_t n_out : {1, 9, 34})
        for (std::int64_t k : {32, 96, 1056})  // 1056 = 33 blocks: one lane takes two
          check_matvec(type, rows, n_out, k, seed += 2);
  for (lf::DType type : {lf::DType::q8_0, lf::DType::q4_0}) check_matvec(type, 2, 160, 512, seed += 2);
}

TEST_CASE("cuda matvec rejects what it cannot read", "[kernels]") {
  using Catch::Matchers::Contains;
  std::vector<float> x(64, 1.0f), out(4);
  std::vector<std::uint16_t> w(256);
  REQUIRE_THROWS_WITH(lf::kernels::matvec(w.data(), lf::DType::q8_0, x.data(), out.data(), 1, 2, 40),
                      Contains("cuda matvec") && Contains("multiple of 32"));
  REQUIRE_THROWS_WITH(lf::kernels::matvec(w.data(), lf::DType::f32, x.data(), out.data(), 1, 2, 32),
                      Contains("f32") && Contains("not supported"));
  REQUIRE_THROWS_WITH(lf::kernels::matvec(w.data(), lf::DType::f16, x.data() + 1, out.data(), 1, 2, 32),
                      Contains("16-byte aligned"));
}
