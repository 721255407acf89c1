// Embedding, LayerNorm, RoPE, GELU (+bias), SwiGLU (+bias), bias add,
// residual add and f32 -> f16/bf16 narrowing
// in the emulator, through their launchers, against the CPU ops on random
// inputs of odd shapes. Tolerance: f32 relative norm error 1e-5.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include <liveformer/ops.hpp>

#include "harness/compare.hpp"
#include "kernel_test_util.hpp"
#include "launch.hpp"

namespace {

constexpr double kTolerance = 1e-5;
using lf::test::copy_f32;
using lf::test::random_tensor;
using lf::test::relative_error;

// x + bias broadcast over rows, by the CPU op.
lf::Tensor add_bias(const lf::Tensor& x, const lf::Tensor& bias) {
  lf::Tensor out = lf::Tensor::empty(x.shape());
  lf::add(x, bias, out);
  return out;
}

}  // namespace

TEST_CASE("cuda embedding (emulated) matches lf::embedding for f32, f16 and bf16 tables", "[kernels]") {
  std::uint32_t seed = 300;
  for (lf::DType type : {lf::DType::f32, lf::DType::f16, lf::DType::bf16})
    for (std::int64_t cols : {1, 7, 64, 300}) {
      const std::int64_t vocab = 37;
      const lf::Tensor table = lf::test::convert_to(random_tensor({vocab, cols}, seed++), type);
      const std::vector<std::int32_t> ids = {0, 36, 5, 5, 17, 1, 36, 20, 9};
      lf::Tensor want = lf::Tensor::empty({static_cast<std::int64_t>(ids.size()), cols});
      lf::embedding(table, ids, want);
      lf::Tensor got = lf::Tensor::empty(want.shape());
      int bad_id = 0;
      lf::kernels::embedding(table.bytes(), type, vocab, cols, ids.data(), static_cast<std::int64_t>(ids.size()),
                             got.data<float>(), &bad_id);
      INFO(lf::dtype_name(type) << " cols " << cols);
      CHECK(relative_error(got, want) == 0.0);  // widening is exact
      CHECK(bad_id == 0);
    }
  // An id out of range cannot throw on the GPU: a zero row and the flag.
  const lf::Tensor table = random_tensor({4, 8}, 1);
  const std::vector<std::int32_t> ids = {1, 4, -1};
  std::vector<float> out(3 * 8, 1.0f);
  int bad_id = 0;
  lf::kernels::embedding(table.bytes(), lf::DType::f32, 4, 8, ids.data(), 3, out.data(), &bad_id);
  CHECK(bad_id == 1);
  for (int j = 0; j < 8; ++j) {
    CHECK(out[j] == table.data<float>()[8 + j]);
    CHECK(out[8 + j] == 0.0f);
    CHECK(out[16 + j] == 0.0f);
  }
  using Catch::Matchers::Contains;
  REQUIRE_THROWS_WITH(
      lf::kernels::embedding(table.bytes(), lf::DType::q8_0, 4, 8, ids.data(), 3, out.data(), nullptr),
      Contains("cuda embedding") && Contains("q8_0"));
}

TEST_CASE("cuda layer_norm (emulated) matches lf::layer_norm", "[kernels]") {
  std::uint32_t seed = 400;
  for (std::int64_t rows : {1, 5})
    for (std::int64_t cols : {1, 3, 33, 257, 1000, 4099}) {
      lf::Tensor x = random_tensor({rows, cols}, seed++, 2.0f);
      for (std::int64_t i = 0; i < x.numel(); ++i) x.data<float>()[i] += 50.0f;  // a mean far from 0
      const lf::Tensor w = random_tensor({cols}, seed++);
      const lf::Tensor b = random_tensor({cols}, seed++);
      for (bool with_bias : {false, true}) {
        lf::Tensor want = lf::Tensor::empty(x.shape());
        lf::layer_norm(x, w, with_bias ? b : lf::Tensor(), 1e-5f, want);
        lf::Tensor got = copy_f32(x);  // in place
        lf::kernels::layer_norm(got.data<float>(), w.data<float>(), with_bias ? b.data<float>() : nullptr,
                                got.data<float>(), rows, cols, 1e-5f);
        INFO("rows " << rows << " cols " << cols << " bias " << with_bias);
        CHECK(relative_error(got, want) <= kTolerance);
      }
    }
}

TEST_CASE("cuda rope (emulated) matches lf::rope in both layouts", "[kernels]") {
  struct Case {
    std::int64_t tokens, heads, dim, rotary_dim;
  };
  std::uint32_t seed = 500;
  for (const Case c : {Case{1, 1, 2, 0}, Case{3, 5, 64, 0}, Case{7, 2, 80, 32}, Case{4, 3, 128, 0}, Case{2, 3, 6, 4}})
    for (lf::RopeLayout layout : {lf::RopeLayout::Interleaved, lf::RopeLayout::RotateHalf})
      for (int positioning = 0; positioning < 2; ++positioning) {
        const lf::Tensor x = random_tensor({c.tokens, c.heads, c.dim}, seed++);
        lf::RopeOptions options;
        options.layout = layout;
        options.theta = positioning ? 1000000.0f : 10000.0f;
        options.rotary_dim = c.rotary_dim;
        options.position_offset = 4093;  // large positions: the angle's precision matters
        std::vector<std::int32_t> positions;
        if (positioning == 1)
          for (std::int64_t t = 0; t < c.tokens; ++t) positions.push_back(static_cast<std::int32_t>(t * 977 % 5000));
        lf::Tensor want = lf::Tensor::empty(x.shape());
        lf::rope(x, want, options, positions);
        lf::kernels::RopeParams params;
        params.rotate_half = layout == lf::RopeLayout::RotateHalf;
        params.theta = options.theta;
        params.rotary_dim = c.rotary_dim;
        params.position_offset = options.position_offset;
        params.positions = positions.empty() ? nullptr : positions.data();
        lf::Tensor got = lf::Tensor::empty(x.shape());
        lf::kernels::rope(x.data<float>(), got.data<float>(), c.tokens, c.heads, c.dim, params);
        INFO("[" << c.tokens << "," << c.heads << "," << c.dim << "] rot " << c.rotary_dim << " rotate_half "
                 << params.rotate_half << " positions " << positioning);
        CHECK(relative_error(got, want) <= kTolerance);
        lf::Tensor in_place = copy_f32(x);
        lf::kernels::rope(in_place.data<float>(), in_place.data<float>(), c.tokens, c.heads, c.dim, params);
        CHECK(relative_error(in_place, want) <= kTolerance);
      }
}

TEST_CASE("cuda gelu with bias (emulated) matches lf::add then lf::gelu", "[kernels]") {
  std::uint32_t seed = 600;
  for (std::int64_t rows : {1, 3})
    for (std::int64_t cols : {1, 31, 1000}) {
      const lf::Tensor x = random_tensor({rows, cols}, seed++, 3.0f);
      const lf::Tensor bias = random_tensor({cols}, seed++);
      for (auto [approx, kind] : {std::pair{lf::GeluApprox::Tanh, lf::kernels::GeluKind::tanh},
                                  std::pair{lf::GeluApprox::Erf, lf::kernels::GeluKind::erf}}) {
        INFO("rows " << rows << " cols " << cols << " erf " << (kind == lf::kernels::GeluKind::erf));
        lf::Tensor want = lf::Tensor::empty(x.shape());
        lf::gelu(x, want, approx);
        lf::Tensor got = lf::Tensor::empty(x.shape());
        lf::kernels::gelu(x.data<float>(), nullptr, got.data<float>(), x.numel(), cols, kind);
        CHECK(relative_error(got, want) <= kTolerance);
        lf::gelu(add_bias(x, bias), want, approx);
        lf::kernels::gelu(x.data<float>(), bias.data<float>(), got.data<float>(), x.numel(), cols, kind);
        CHECK(relative_error(got, want) <= kTolerance);
      }
    }
}

TEST_CASE("cuda swiglu with biases and residual add (emulated) match the CPU ops", "[kernels]") {
  std::uint32_t seed = 700;
  for (std::int64_t rows : {1, 4})
    for (std::int64_t cols : {1, 17, 513}) {
      const lf::Tensor gate = random_tensor({rows, cols}, seed++, 3.0f);
      const lf::Tensor up = random_tensor({rows, cols}, seed++);
      const lf::Tensor gate_bias = random_tensor({cols}, seed++);
      const lf::Tensor up_bias = random_tensor({cols}, seed++);
      INFO("rows " << rows << " cols " << cols);
      lf::Tensor want = lf::Tensor::empty(gate.shape());
      lf::swiglu(add_bias(gate, gate_bias), add_bias(up, up_bias), want);
      lf::Tensor got = lf::Tensor::empty(gate.shape());
      lf::kernels::swiglu_bias(gate.data<float>(), gate_bias.data<float>(), up.data<float>(), up_bias.data<float>(),
                               got.data<float>(), gate.numel(), cols);
      CHECK(relative_error(got, want) <= kTolerance);
      lf::swiglu(gate, add_bias(up, up_bias), want);  // only the up projection has a bias
      lf::kernels::swiglu_bias(gate.data<float>(), nullptr, up.data<float>(), up_bias.data<float>(),
                               got.data<float>(), gate.numel(), cols);
      CHECK(relative_error(got, want) <= kTolerance);

      lf::Tensor biased = copy_f32(gate);  // in place, as after a projection
      lf::kernels::bias_add(biased.data<float>(), gate_bias.data<float>(), biased.data<float>(), gate.numel(), cols);
      CHECK(relative_error(biased, add_bias(gate, gate_bias)) == 0.0);  // one f32 addition per element: exact

      lf::add(gate, up, want);
      lf::Tensor sum = copy_f32(gate);  // in place, as the residual stream is updated
      lf::kernels::residual_add(sum.data<float>(), up.data<float>(), sum.data<float>(), sum.numel());
      CHECK(relative_error(sum, want) == 0.0);  // one f32 addition per element: exact
    }
  using Catch::Matchers::Contains;
  std::vector<float> buf(12, 1.0f);
  REQUIRE_THROWS_WITH(lf::kernels::bias_add(buf.data(), buf.data(), buf.data(), 12, 7), Contains("cuda bias_add"));
  REQUIRE_THROWS_WITH(lf::kernels::swiglu_bias(buf.data(), buf.data(), buf.data(), nullptr, buf.data(), 12, 5),
                      Contains("cols") && Contains("divide n = 12"));
  REQUIRE_THROWS_WITH(lf::kernels::gelu(buf.data(), buf.data(), buf.data(), 12, 0, lf::kernels::GeluKind::erf),
                      Contains("cuda gelu"));
  REQUIRE_THROWS_WITH(lf::kernels::residual_add(buf.data(), nullptr, buf.data(), 12), Contains("null pointer"));
}

// Narrowing must give the same bits as the library's own conversion (which
// the emulator self-test checks against neighbouring values).
TEST_CASE("cuda narrow (emulated) rounds f32 to f16 and bf16 as lf::from_f32_row", "[kernels]") {
  for (lf::DType type : {lf::DType::f16, lf::DType::bf16})
    for (std::int64_t n : {1, 37, 3001}) {
      lf::Tensor x = random_tensor({n}, 1500 + static_cast<std::uint32_t>(n), 100.0f);
      x.data<float>()[0] = 1.0f + 1.0f / 2048;  // a tie for f16
      const lf::Tensor want = lf::test::convert_to(x, type);
      std::vector<std::uint16_t> got(static_cast<std::size_t>(n), 0xDEAD);
      lf::kernels::narrow(x.data<float>(), type, got.data(), n);
      INFO(lf::dtype_name(type) << " n " << n);
      for (std::int64_t i = 0; i < n; ++i) REQUIRE(got[static_cast<std::size_t>(i)] == want.data<std::uint16_t>()[i]);
    }
  std::vector<float> x(4, 1.0f), out(4);
  REQUIRE_THROWS_WITH(lf::kernels::narrow(x.data(), lf::DType::q4_0, out.data(), 4),
                      Catch::Matchers::Contains("cuda narrow") && Catch::Matchers::Contains("q4_0"));
}
