// lf::cuda::gemm (src/cuda/gemm.hpp) in the emulated build against the
// independent double-precision reference, for odd sizes; and its refusals.
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include <liveformer/core/convert.hpp>
#include <liveformer/core/error.hpp>

#include "device_memory.hpp"
#include "gemm.hpp"
#include "harness/compare.hpp"
#include "harness/reference.hpp"

namespace {

using lf::DType;
using lf::Tensor;

// `t` (f32) stored as `type` in a fresh tensor.
Tensor stored_as(const Tensor& t, DType type) {
  if (type == DType::f32) return t.clone();
  Tensor out = Tensor::empty(t.shape(), type);
  lf::from_f32_row(type, t.data<float>(), out.bytes(), t.numel());
  return out;
}

// Relative norm error of out = a · wᵀ against the reference computed on
// the stored (rounded) values of a and w.
double gemm_error(DType type, std::int64_t m, std::int64_t n, std::int64_t k) {
  auto rng = lf::test::rng_for("cuda gemm " + std::string(lf::dtype_name(type)) + " " + std::to_string(m) + "x" +
                               std::to_string(n) + "x" + std::to_string(k));
  const Tensor a = stored_as(lf::test::random_tensor({m, k}, rng), type);
  const Tensor w = stored_as(lf::test::random_tensor({n, k}, rng), type);
  Tensor out = Tensor::empty({m, n});
  lf::cuda::DeviceStream stream;
  lf::cuda::GemmHandle handle(stream.get());
  lf::cuda::gemm(handle, a.bytes(), type, w.bytes(), type, out.data<float>(), m, n, k);
  stream.synchronize();
  const lf::test::Array want = lf::test::ref_matmul(lf::test::to_array(a), lf::test::to_array(w), true);
  return lf::test::relative_error(out, want.data);
}

}  // namespace

TEST_CASE("cuda gemm: f32, f16 and bf16 products match the reference at odd sizes", "[cuda_backend][gemm]") {
  // f32: 1e-5 (f32 sums); f16/bf16 inputs are exact in f32, so the same.
  for (const DType type : {DType::f32, DType::f16, DType::bf16})
    for (const auto& [m, n, k] : std::vector<std::tuple<int, int, int>>{{1, 1, 1}, {1, 7, 33}, {3, 129, 80}, {9, 33, 7}}) {
      INFO(lf::dtype_name(type) << " m " << m << " n " << n << " k " << k);
      CHECK(gemm_error(type, m, n, k) <= 1e-5);
    }
}

// A product with a tile of w's rows writes a column slice of a wider
// output (out_stride > n): the slice matches the reference, the columns
// around it keep their values.
TEST_CASE("cuda gemm: a strided output fills only its column slice", "[cuda_backend][gemm]") {
  constexpr std::int64_t m = 5, n = 7, k = 40, stride = 19, first = 6;
  for (const DType type : {DType::f32, DType::f16}) {
    auto rng = lf::test::rng_for("cuda gemm strided " + std::string(lf::dtype_name(type)));
    const Tensor a = stored_as(lf::test::random_tensor({m, k}, rng), type);
    const Tensor w = stored_as(lf::test::random_tensor({n, k}, rng), type);
    std::vector<float> out(static_cast<std::size_t>(m * stride), -7.0f);
    lf::cuda::DeviceStream stream;
    lf::cuda::GemmHandle handle(stream.get());
    lf::cuda::gemm(handle, a.bytes(), type, w.bytes(), type, out.data() + first, m, n, k, stride);
    stream.synchronize();
    const lf::test::Array want = lf::test::ref_matmul(lf::test::to_array(a), lf::test::to_array(w), true);
    std::vector<float> slice;
    for (std::int64_t r = 0; r < m; ++r)
      for (std::int64_t c = 0; c < stride; ++c) {
        const float v = out[static_cast<std::size_t>(r * stride + c)];
        if (c >= first && c < first + n)
          slice.push_back(v);
        else
          CHECK(v == -7.0f);
      }
    INFO(lf::dtype_name(type));
    CHECK(lf::test::relative_error(std::span<const float>(slice), std::span<const double>(want.data)) <= 1e-5);
  }
  lf::cuda::DeviceStream stream;
  lf::cuda::GemmHandle handle(stream.get());
  std::vector<float> a(64), w(64), out(64);
  CHECK_THROWS_WITH(lf::cuda::gemm(handle, a.data(), DType::f32, w.data(), DType::f32, out.data(), 1, 4, 8, 3),
                    Catch::Contains("out_stride 3"));
}

TEST_CASE("cuda gemm: mismatched or unsupported types and bad sizes are refused", "[cuda_backend][gemm]") {
  lf::cuda::DeviceStream stream;
  lf::cuda::GemmHandle handle(stream.get());
  std::vector<float> a(64), w(64), out(64);
  CHECK_THROWS_WITH(lf::cuda::gemm(handle, a.data(), DType::f32, w.data(), DType::f16, out.data(), 1, 1, 32),
                    Catch::Contains("gemm: activations f32 and weights f16"));
  CHECK_THROWS_WITH(lf::cuda::gemm(handle, a.data(), DType::q8_0, w.data(), DType::q8_0, out.data(), 1, 1, 32),
                    Catch::Contains("need both f32, both f16 or both bf16"));
  CHECK_THROWS_WITH(lf::cuda::gemm(handle, a.data(), DType::f32, w.data(), DType::f32, out.data(), 1, 0, 32),
                    Catch::Contains("must be in [1, 2^31)"));
  CHECK_THROWS_WITH(lf::cuda::gemm(handle, nullptr, DType::f32, w.data(), DType::f32, out.data(), 1, 1, 32),
                    Catch::Contains("null pointer"));
  // m = 0 is an empty product, not an error.
  CHECK_NOTHROW(lf::cuda::gemm(handle, a.data(), DType::f32, w.data(), DType::f32, out.data(), 0, 1, 32));
}
