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

// Σ term(j) for j < d in double, in 8 interleaved partial sums: a single
// chain of double adds waited ~4 cycles a value (3.5% of a GPT-2 prefill),
// the partials vectorize and overlap.
template <class Term>
double sum_over(std::int64_t d, const Term& term) {
  double part[8] = {};
  std::int64_t j = 0;
  for (; j + 8 <= d; j += 8)
    for (int t = 0; t < 8; ++t) part[t] += term(j + t);
  double sum = 0.0;
  for (double p : part) sum += p;
  for (; j < d; ++j) sum += term(j);
  return sum;
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
    const double mean = sum_over(d, [in](std::int64_t j) { return static_cast<double>(in[j]); }) / static_cast<double>(d);
    const double var = sum_over(d, [in, mean](std::int64_t j) {
                         const double c = in[j] - mean;
                         return c * c;
                       }) / static_cast<double>(d);
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
    const double ss = sum_over(d, [in](std::int64_t j) { return static_cast<double>(in[j]) * in[j]; });
    const float inv = static_cast<float>(1.0 / std::sqrt(ss / static_cast<double>(d) + eps));
    for (std::int64_t j = 0; j < d; ++j) y[j] = in[j] * inv * w[j];
  }
}

}  // namespace lf
