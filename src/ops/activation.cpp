#include "liveformer/ops/activation.hpp"

#include <cmath>

#include "checks.hpp"
#include "fast_exp.hpp"

namespace lf {
namespace {

template <class Fn>
void unary(const char* op, const Tensor& x, Tensor& out, Fn fn) {
  detail::require_f32_contiguous(op, "x", x);
  detail::require_f32_contiguous(op, "out", out);
  detail::require_same_shape(op, "x", x, "out", out);
  const float* in = x.data<float>();
  float* y = out.data<float>();
  for (std::int64_t i = 0, n = x.numel(); i < n; ++i) y[i] = fn(in[i]);
}

}  // namespace

void gelu(const Tensor& x, Tensor& out, GeluApprox approx) {
  if (approx == GeluApprox::Tanh) {
    // 0.5 (1 + tanh(u)) = 1 / (1 + exp(-2u)): the same function through the
    // vectorizable exp (std::tanh is a library call per element, GPT-2's
    // feed-forward runs it on 4 x width values per token).
    constexpr float kTwoSqrt2OverPi = 2.0f * 0.7978845608028654f;
    unary("gelu", x, out, [=](float v) {
      return v / (1.0f + detail::fast_exp(-kTwoSqrt2OverPi * (v + 0.044715f * v * v * v)));
    });
  } else {
    constexpr float kInvSqrt2 = 0.7071067811865476f;
    unary("gelu", x, out, [=](float v) { return 0.5f * v * (1.0f + std::erf(v * kInvSqrt2)); });
  }
}

void silu(const Tensor& x, Tensor& out) {
  unary("silu", x, out, [](float v) { return v / (1.0f + detail::fast_exp(-v)); });
}

void swiglu(const Tensor& gate, const Tensor& up, Tensor& out) {
  const char* op = "swiglu";
  detail::require_f32_contiguous(op, "gate", gate);
  detail::require_f32_contiguous(op, "up", up);
  detail::require_f32_contiguous(op, "out", out);
  detail::require_same_shape(op, "gate", gate, "up", up);
  detail::require_same_shape(op, "gate", gate, "out", out);
  const float* g = gate.data<float>();
  const float* u = up.data<float>();
  float* y = out.data<float>();
  for (std::int64_t i = 0, n = gate.numel(); i < n; ++i) y[i] = g[i] / (1.0f + detail::fast_exp(-g[i])) * u[i];
}

}  // namespace lf
