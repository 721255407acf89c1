// The CUDA kernels, run in the emulator through their real host launchers
// (kernels/launch.hpp), against liveformer's CPU ops on random inputs of
// odd shapes. Tolerance: f32 relative norm error 1e-5 (tests/README.md).
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include <liveformer/ops.hpp>

#include "harness/compare.hpp"
#include "launch.hpp"

namespace {

constexpr double kTolerance = 1e-5;

lf::Tensor random_tensor(const lf::Shape& shape, std::uint32_t seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, scale);
  lf::Tensor t = lf::Tensor::empty(shape);
  for (std::int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

lf::Tensor copy(const lf::Tensor& t) {
  return lf::Tensor::from(std::span<const float>(t.data<float>(), static_cast<std::size_t>(t.numel())), t.shape());
}

}  // namespace

TEST_CASE("cuda rms_norm (emulated) matches lf::rms_norm", "[kernels]") {
  std::uint32_t seed = 1;
  for (std::int64_t rows : {1, 3, 7})
    for (std::int64_t cols : {1, 5, 33, 100, 257, 1000, 4099}) {
      const lf::Tensor x = random_tensor({rows, cols}, seed++, 3.0f);
      const lf::Tensor w = random_tensor({cols}, seed++);
      lf::Tensor want = lf::Tensor::empty(x.shape());
      lf::rms_norm(x, w, 1e-5f, want);
      lf::Tensor got = lf::Tensor::empty(x.shape());
      lf::kernels::rms_norm(x.data<float>(), w.data<float>(), got.data<float>(), rows, cols, 1e-5f);
      INFO("rows " << rows << " cols " << cols);
      CHECK(lf::test::relative_error(got, want) <= kTolerance);
      lf::Tensor in_place = copy(x);  // out == x
      lf::kernels::rms_norm(in_place.data<float>(), w.data<float>(), in_place.data<float>(), rows, cols, 1e-5f);
      CHECK(lf::test::relative_error(in_place, want) <= kTolerance);
    }
}

TEST_CASE("cuda softmax (emulated) matches lf::softmax", "[kernels]") {
  constexpr float kNegInf = -std::numeric_limits<float>::infinity();
  struct Case {
    std::int64_t heads, q, n;
  };
  std::uint32_t seed = 100;
  // 13000 columns do not fit 48 KiB of shared memory: the uncached path.
  for (const Case c : {Case{3, 5, 7}, Case{2, 1, 33}, Case{1, 17, 300}, Case{2, 4, 1025}, Case{2, 3, 13000}}) {
    const lf::Tensor x = random_tensor({c.heads, c.q, c.n}, seed++, 4.0f);
    // An additive mask [q, n] with some -inf entries and row 0 entirely -inf.
    lf::Tensor mask = random_tensor({c.q, c.n}, seed++);
    for (std::int64_t i = 0; i < mask.numel(); ++i)
      if (i < c.n || i % 5 == 3) mask.data<float>()[i] = kNegInf;
    for (int variant = 0; variant < 5; ++variant) {
      lf::SoftmaxOptions options;
      options.scale = 0.37f;
      lf::kernels::SoftmaxParams params;
      params.scale = options.scale;
      if (variant >= 1) {  // causal, aligned to the end of the keys (decode-style), or to the start
        options.causal = params.causal = true;
        options.causal_offset = params.causal_offset = variant == 1 ? c.n - c.q : 0;
        params.q_len = c.q;
      }
      if (variant == 3) options.causal_offset = params.causal_offset = -2;  // first rows see nothing
      if (variant == 4) {
        options.causal = params.causal = false;
        options.mask = mask;
        params.mask = mask.data<float>();
        params.mask_rows = c.q;
      }
      lf::Tensor want = lf::Tensor::empty(x.shape());
      lf::softmax(x, want, options);
      lf::Tensor got = lf::Tensor::empty(x.shape());
      const std::int64_t rows = c.heads * c.q;
      lf::kernels::softmax(x.data<float>(), got.data<float>(), rows, c.n, params);
      INFO("shape [" << c.heads << "," << c.q << "," << c.n << "] variant " << variant);
      CHECK(lf::test::relative_error(got, want) <= kTolerance);
      if (variant == 3 || variant == 4) {  // fully masked rows are exact zeros, not NaN
        for (std::int64_t j = 0; j < c.n; ++j) REQUIRE(got.data<float>()[j] == 0.0f);
      }
      lf::Tensor in_place = copy(x);
      lf::kernels::softmax(in_place.data<float>(), in_place.data<float>(), rows, c.n, params);
      CHECK(lf::test::relative_error(in_place, want) <= kTolerance);
    }
  }
}

TEST_CASE("cuda silu and swiglu (emulated) match lf::silu and lf::swiglu", "[kernels]") {
  std::uint32_t seed = 200;
  // 300001 elements exceed one pass of the capped grid: the grid-stride loop.
  for (std::int64_t n : {1, 31, 1000, 4097, 300001}) {
    const lf::Tensor gate = random_tensor({n}, seed++, 4.0f);
    const lf::Tensor up = random_tensor({n}, seed++);
    lf::Tensor want = lf::Tensor::empty(gate.shape());
    lf::Tensor got = lf::Tensor::empty(gate.shape());
    INFO("n " << n);
    lf::silu(gate, want);
    lf::kernels::silu(gate.data<float>(), got.data<float>(), n);
    CHECK(lf::test::relative_error(got, want) <= kTolerance);
    lf::swiglu(gate, up, want);
    lf::kernels::swiglu(gate.data<float>(), up.data<float>(), got.data<float>(), n);
    CHECK(lf::test::relative_error(got, want) <= kTolerance);
  }
}

TEST_CASE("cuda launchers reject bad arguments", "[kernels]") {
  using Catch::Matchers::Contains;
  std::vector<float> buf(8, 1.0f);
  REQUIRE_THROWS_WITH(lf::kernels::rms_norm(buf.data(), buf.data(), buf.data(), 2, 0, 1e-5f),
                      Contains("cuda rms_norm") && Contains("cols must be in [1, 2^31), got 0"));
  lf::kernels::SoftmaxParams p;
  p.causal = true;
  p.q_len = 0;
  REQUIRE_THROWS_WITH(lf::kernels::softmax(buf.data(), buf.data(), 2, 4, p),
                      Contains("cuda softmax") && Contains("q_len"));
  REQUIRE_THROWS_WITH(lf::kernels::swiglu(buf.data(), nullptr, buf.data(), 8), Contains("null pointer"));
  lf::kernels::silu(buf.data(), buf.data(), 0);  // nothing to do is fine
}
