#include "liveformer/ops/rope.hpp"

#include <cmath>
#include <vector>

#include "checks.hpp"

namespace lf {

void rope(const Tensor& x, Tensor& out, const RopeOptions& options, std::span<const std::int32_t> positions) {
  const char* op = "rope";
  detail::require_f32_contiguous(op, "x", x);
  detail::require_f32_contiguous(op, "out", out);
  detail::require_same_shape(op, "x", x, "out", out);
  detail::require_rank(op, "x", x, 3);
  const std::int64_t tokens = x.dim(0), heads = x.dim(1), d = x.dim(2);
  const std::int64_t rot = options.rotary_dim == 0 ? d : options.rotary_dim;
  LF_CHECK(rot > 0 && rot <= d && rot % 2 == 0, op,
        "rotary_dim " + std::to_string(rot) + " must be even and within head_dim " + std::to_string(d) + " of " +
            x.shape().str());
  LF_CHECK(positions.empty() || static_cast<std::int64_t>(positions.size()) == tokens, op,
        std::to_string(positions.size()) + " positions for " + std::to_string(tokens) + " tokens of " +
            x.shape().str());
  LF_CHECK(options.theta > 0, op, "theta must be positive");

  const std::int64_t half = rot / 2;
  // Inverse frequencies in double: at large positions the angle's float
  // rounding would otherwise dominate the error.
  std::vector<double> inv_freq(static_cast<std::size_t>(half));
  for (std::int64_t i = 0; i < half; ++i)
    inv_freq[static_cast<std::size_t>(i)] = std::pow(static_cast<double>(options.theta), -2.0 * i / rot);
  std::vector<float> cos_t(static_cast<std::size_t>(half)), sin_t(static_cast<std::size_t>(half));

  // Element index pairs (a, b) rotated together, by layout.
  const bool interleaved = options.layout == RopeLayout::Interleaved;
  for (std::int64_t t = 0; t < tokens; ++t) {
    const double pos = positions.empty() ? static_cast<double>(options.position_offset + t)
                                         : static_cast<double>(positions[static_cast<std::size_t>(t)]);
    for (std::int64_t i = 0; i < half; ++i) {
      const double angle = pos * inv_freq[static_cast<std::size_t>(i)];
      cos_t[static_cast<std::size_t>(i)] = static_cast<float>(std::cos(angle));
      sin_t[static_cast<std::size_t>(i)] = static_cast<float>(std::sin(angle));
    }
    for (std::int64_t h = 0; h < heads; ++h) {
      const float* in = x.data<float>() + (t * heads + h) * d;
      float* y = out.data<float>() + (t * heads + h) * d;
      for (std::int64_t i = 0; i < half; ++i) {
        const std::int64_t a = interleaved ? 2 * i : i;
        const std::int64_t b = interleaved ? 2 * i + 1 : i + half;
        const float c = cos_t[static_cast<std::size_t>(i)], s = sin_t[static_cast<std::size_t>(i)];
        const float x0 = in[a], x1 = in[b];
        y[a] = x0 * c - x1 * s;
        y[b] = x0 * s + x1 * c;
      }
      if (y != in)
        for (std::int64_t j = rot; j < d; ++j) y[j] = in[j];
    }
  }
}

}  // namespace lf
