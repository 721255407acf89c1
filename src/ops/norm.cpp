#include "liveformer/ops/norm.hpp"

#include <cmath>

#include "checks.hpp"

namespace lf {

void layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, float eps, Tensor& out) {
  const char* op = "layer_norm";
  detail::require_f32_contiguous(op, "x", x);
  detail::require_f32_contiguous(op, "out", out);
  detail::require_same_shape(op, "x", x, "out", out);
  check(x.rank() >= 1, op, "x must have rank >= 1, got a scalar");
  const std::int64_t d = x.dim(-1);
  detail::require_vector(op, "weight", weight, d);
  if (bias.defined()) detail::require_vector(op, "bias", bias, d);
  const float* w = weight.data<float>();
  const float* b = bias.defined() ? bias.data<float>() : nullptr;
  for (std::int64_t r = 0; r < x.shape().rows(); ++r) {
    const float* in = x.data<float>() + r * d;
    float* y = out.data<float>() + r * d;
    // Two passes (mean, then centred squares) keep the variance accurate
    // when the mean is large compared with the spread.
    float mean = 0.0f;
    for (std::int64_t j = 0; j < d; ++j) mean += in[j];
    mean /= static_cast<float>(d);
    float var = 0.0f;
    for (std::int64_t j = 0; j < d; ++j) var += (in[j] - mean) * (in[j] - mean);
    var /= static_cast<float>(d);
    const float inv = 1.0f / std::sqrt(var + eps);
    for (std::int64_t j = 0; j < d; ++j) y[j] = (in[j] - mean) * inv * w[j] + (b ? b[j] : 0.0f);
  }
}

void rms_norm(const Tensor& x, const Tensor& weight, float eps, Tensor& out) {
  const char* op = "rms_norm";
  detail::require_f32_contiguous(op, "x", x);
  detail::require_f32_contiguous(op, "out", out);
  detail::require_same_shape(op, "x", x, "out", out);
  check(x.rank() >= 1, op, "x must have rank >= 1, got a scalar");
  const std::int64_t d = x.dim(-1);
  detail::require_vector(op, "weight", weight, d);
  const float* w = weight.data<float>();
  for (std::int64_t r = 0; r < x.shape().rows(); ++r) {
    const float* in = x.data<float>() + r * d;
    float* y = out.data<float>() + r * d;
    float ss = 0.0f;
    for (std::int64_t j = 0; j < d; ++j) ss += in[j] * in[j];
    const float inv = 1.0f / std::sqrt(ss / static_cast<float>(d) + eps);
    for (std::int64_t j = 0; j < d; ++j) y[j] = in[j] * inv * w[j];
  }
}

}  // namespace lf
