// gelu (both forms), silu, swiglu against the reference.
#include <catch2/catch.hpp>
#include <cmath>

#include "harness/op_check.hpp"

using namespace lf;
using namespace lf::test;

TEST_CASE("gelu tanh and erf", "[ops][activation]") {
  for (Backend* be : backends())
    for (std::int64_t n : {1, 7, 129, 1000}) {
      auto rng = rng_for("gelu " + std::to_string(n));
      const Tensor x = random_tensor({n}, rng, -8, 8);
      Tensor out = Tensor::empty({n});
      be->gelu(x, out, GeluApprox::Tanh);
      check_close(*be, "gelu tanh " + std::to_string(n), out, ref_gelu_tanh(to_array(x)), kF32Tolerance);
      be->gelu(x, out, GeluApprox::Erf);
      check_close(*be, "gelu erf " + std::to_string(n), out, ref_gelu_erf(to_array(x)), kF32Tolerance);
    }
}

TEST_CASE("activations stay finite for extreme inputs", "[ops][activation]") {
  for (Backend* be : backends()) {
    const std::vector<float> v{-1e4f, -100.0f, -20.0f, 0.0f, 20.0f, 100.0f, 1e4f};
    const Tensor x = Tensor::from(v, {7});
    Tensor out = Tensor::empty({7});
    be->gelu(x, out, GeluApprox::Tanh);
    check_close(*be, "gelu tanh extreme", out, ref_gelu_tanh(to_array(x)), kF32Tolerance);
    be->gelu(x, out, GeluApprox::Erf);
    check_close(*be, "gelu erf extreme", out, ref_gelu_erf(to_array(x)), kF32Tolerance);
    be->silu(x, out);
    check_close(*be, "silu extreme", out, ref_silu(to_array(x)), kF32Tolerance);
  }
}

TEST_CASE("silu and swiglu", "[ops][activation]") {
  for (Backend* be : backends())
    for (const Shape& s : {Shape{1}, Shape{3, 7}, Shape{5, 172}, Shape{2, 3, 33}}) {
      auto rng = rng_for("swiglu " + s.str());
      const Tensor g = random_tensor(s, rng, -6, 6), u = random_tensor(s, rng, -2, 2);
      Tensor out = Tensor::empty(s);
      be->silu(g, out);
      check_close(*be, "silu " + s.str(), out, ref_silu(to_array(g)), kF32Tolerance);
      be->swiglu(g, u, out);
      check_close(*be, "swiglu " + s.str(), out, ref_swiglu(to_array(g), to_array(u)), kF32Tolerance);
    }
}
