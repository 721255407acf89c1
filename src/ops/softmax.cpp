#include "liveformer/ops/softmax.hpp"

#include <cmath>
#include <limits>

#include "checks.hpp"

namespace lf {

void softmax(const Tensor& x, Tensor& out, const SoftmaxOptions& options) {
  const char* op = "softmax";
  detail::require_f32_contiguous(op, "x", x);
  detail::require_f32_contiguous(op, "out", out);
  detail::require_same_shape(op, "x", x, "out", out);
  LF_CHECK(x.rank() >= 1, op, "x must have rank >= 1, got a scalar");
  Tensor mask;
  if (options.mask.defined()) {
    detail::require_f32(op, "mask", options.mask);
    LF_CHECK(options.mask.rank() <= x.rank(), op,
          "mask shape " + options.mask.shape().str() + " does not broadcast to input " + x.shape().str());
    try {
      mask = options.mask.broadcast_to(x.shape());
    } catch (const Error&) {
      throw_error(op, "mask shape " + options.mask.shape().str() + " does not broadcast to input " + x.shape().str());
    }
  }
  const std::int64_t n = x.dim(-1);
  const std::int64_t rows = x.shape().rows();
  const std::int64_t q_len = x.rank() >= 2 ? x.dim(-2) : 1;
  const std::int64_t mask_step = mask.defined() ? mask.stride(-1) : 0;
  constexpr float kNegInf = -std::numeric_limits<float>::infinity();

  for (std::int64_t r = 0; r < rows; ++r) {
    const float* in = x.data<float>() + r * n;
    float* y = out.data<float>() + r * n;
    const float* m = mask.defined() ? detail::row_pointer(mask, r) : nullptr;
    // Columns at or beyond `visible` are causally masked.
    std::int64_t visible = n;
    if (options.causal) {
      const std::int64_t lim = r % q_len + options.causal_offset + 1;
      visible = lim < 0 ? 0 : (lim < n ? lim : n);
    }
    float max = kNegInf;
    for (std::int64_t j = 0; j < visible; ++j) {
      float v = in[j] * options.scale;
      if (m) v += m[j * mask_step];
      y[j] = v;
      if (v > max) max = v;
    }
    if (max == kNegInf) {  // nothing visible: zeros rather than 0/0
      for (std::int64_t j = 0; j < n; ++j) y[j] = 0.0f;
      continue;
    }
    float sum = 0.0f;
    for (std::int64_t j = 0; j < visible; ++j) {
      const float e = std::exp(y[j] - max);
      y[j] = e;
      sum += e;
    }
    const float inv = 1.0f / sum;
    for (std::int64_t j = 0; j < visible; ++j) y[j] *= inv;
    for (std::int64_t j = visible; j < n; ++j) y[j] = 0.0f;
  }
}

}  // namespace lf
