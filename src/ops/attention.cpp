#include "liveformer/ops/attention.hpp"

#include <cmath>

#include "checks.hpp"
#include "liveformer/core/eigen.hpp"
#include "liveformer/ops/softmax.hpp"

namespace lf {
namespace {

// Head h of a [T, H, D] tensor as a T x D matrix (rows strided by H·D).
MatrixMap head(const Tensor& t, std::int64_t h) {
  return MatrixMap(t.data<float>() + h * t.stride(1), t.dim(0), t.dim(2),
                   Eigen::OuterStride<>(t.stride(0)));
}

void require_heads(const char* op, const char* name, const Tensor& t) {
  detail::require_f32(op, name, t);
  detail::require_rank(op, name, t, 3);
  LF_CHECK(t.dim(2) <= 1 || t.stride(2) == 1, op, std::string(name) + " " + t.shape().str() + " must have a contiguous head dimension");
}

}  // namespace

void scaled_dot_product_attention(const Tensor& q, const Tensor& k, const Tensor& v, Tensor& out,
                                  const AttentionOptions& options) {
  const char* op = "scaled_dot_product_attention";
  require_heads(op, "q", q);
  require_heads(op, "k", k);
  require_heads(op, "v", v);
  detail::require_f32_contiguous(op, "out", out);
  const std::int64_t tq = q.dim(0), hq = q.dim(1), d = q.dim(2);
  const std::int64_t tk = k.dim(0), hkv = k.dim(1), dv = v.dim(2);
  const std::string shapes = " (q " + q.shape().str() + ", k " + k.shape().str() + ", v " + v.shape().str() + ")";
  LF_CHECK(d > 0, op, "head_dim must be positive" + shapes);
  LF_CHECK(k.dim(2) == d, op, "q and k head_dim differ" + shapes);
  LF_CHECK(v.dim(0) == tk && v.dim(1) == hkv, op, "k and v must agree on tokens and heads" + shapes);
  LF_CHECK(hkv > 0 && hq % hkv == 0, op, "kv heads must divide query heads" + shapes);
  const Shape expect{tq, hq, dv};
  LF_CHECK(out.shape() == expect, op, "out must be " + expect.str() + ", got " + out.shape().str() + shapes);
  if (out.numel() == 0) return;

  Tensor mask;
  if (options.mask.defined()) {
    detail::require_f32(op, "mask", options.mask);
    const Shape full{hq, tq, tk};
    LF_CHECK(options.mask.rank() <= 3, op, "mask " + options.mask.shape().str() + " does not broadcast to " + full.str());
    try {
      mask = options.mask.broadcast_to(full);
    } catch (const Error&) {
      throw_error(op, "mask " + options.mask.shape().str() + " does not broadcast to " + full.str());
    }
  }

  SoftmaxOptions sm;
  sm.scale = options.scale.value_or(1.0f / std::sqrt(static_cast<float>(d)));
  sm.causal = options.causal;
  sm.causal_offset = options.causal_offset.value_or(tk - tq);

  Tensor scores = Tensor::empty({tq, tk});
  MatrixMap s(scores.data<float>(), tq, tk, Eigen::OuterStride<>(tk));
  const std::int64_t group = hq / hkv;
  for (std::int64_t h = 0; h < hq; ++h) {
    const std::int64_t g = h / group;
    MatrixMap o(out.data<float>() + h * dv, tq, dv, Eigen::OuterStride<>(hq * dv));
    if (tk == 0) {
      o.setZero();
      continue;
    }
    s.noalias() = head(q, h) * head(k, g).transpose();
    if (mask.defined()) sm.mask = mask.select(0, h);
    softmax(scores, scores, sm);
    o.noalias() = s * head(v, g);
  }
}

}  // namespace lf
