#include "liveformer/ops/norm.hpp"

#include <cmath>

#include "checks.hpp"

namespace lf {
namespace {

// Checks shared by the norms; returns the normalised width D.
std::int64_t check_norm(const char* op, const Tensor& x, const Tensor& weight, const Tensor& out) {
  detail::require_f32_contiguous(op, "x", x);
  detail::require_f32_contiguous(op, "out", out);
  detail::require_same_shape(op, "x", x, "out", out);
  LF_CHECK(x.rank() >= 1, op, "x must have rank >= 1, got a scalar");
  detail::require_vector(op, "weight", weight, x.dim(-1));
  return x.dim(-1);
}

}  // namespace

void layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, float eps, Tensor& out) {
  const std::int64_t d = check_norm("layer_norm", x, weight, out);
  if (bias.defined()) detail::require_vector("layer_norm", "bias", bias, d);
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
  const std::int64_t d = check_norm("rms_norm", x, weight, out);
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
