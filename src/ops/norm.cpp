#include "liveformer/ops/norm.hpp"

#include <cmath>

#include "checks.hpp"

namespace lf {

void layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, float eps, Tensor& out) {
  const char* op = "layer_norm";
  detail::require_f32_contiguous(op, "x", x);
  detail::require_f32_contiguous(op, "out", out);
  detail::require_same_shape(op, "x", x, "out", out);
  LF_CHECK(x.rank() >= 1, op, "x must have rank >= 1, got a scalar");
  const std::int64_t d = x.dim(-1);
  detail::require_vector(op, "weight", weight, d);
  if (bias.defined()) detail::require_vector(op, "bias", bias, d);
  const float* w = weight.data<float>();
  const float* b = bias.defined() ? bias.data<float>() : nullptr;
  for (std::int64_t r = 0; r < x.shape().rows(); ++r) {
    const float* in = x.data<float>() + r * d;
    float* y = out.data<float>() + r * d;
    // Two passes (mean, then centred squares) in double: a float sum of the
    // row loses the spread when the mean is large compared with it.
    double sum = 0.0;
    for (std::int64_t j = 0; j < d; ++j) sum += in[j];
    const double mean = sum / static_cast<double>(d);
    double var = 0.0;
    for (std::int64_t j = 0; j < d; ++j) var += (in[j] - mean) * (in[j] - mean);
    var /= static_cast<double>(d);
    const float inv = static_cast<float>(1.0 / std::sqrt(var + eps));
    const float m = static_cast<float>(mean);
    for (std::int64_t j = 0; j < d; ++j) y[j] = (in[j] - m) * inv * w[j] + (b ? b[j] : 0.0f);
  }
}

void rms_norm(const Tensor& x, const Tensor& weight, float eps, Tensor& out) {
  const char* op = "rms_norm";
  detail::require_f32_contiguous(op, "x", x);
  detail::require_f32_contiguous(op, "out", out);
  detail::require_same_shape(op, "x", x, "out", out);
  LF_CHECK(x.rank() >= 1, op, "x must have rank >= 1, got a scalar");
  const std::int64_t d = x.dim(-1);
  detail::require_vector(op, "weight", weight, d);
  const float* w = weight.data<float>();
  for (std::int64_t r = 0; r < x.shape().rows(); ++r) {
    const float* in = x.data<float>() + r * d;
    float* y = out.data<float>() + r * d;
    double ss = 0.0;
    for (std::int64_t j = 0; j < d; ++j) ss += static_cast<double>(in[j]) * in[j];
    const float inv = static_cast<float>(1.0 / std::sqrt(ss / static_cast<double>(d) + eps));
    for (std::int64_t j = 0; j < d; ++j) y[j] = in[j] * inv * w[j];
  }
}

}  // namespace lf
