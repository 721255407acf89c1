#include "liveformer/ops/matmul.hpp"

#include "checks.hpp"
#include "liveformer/core/eigen.hpp"
#include "liveformer/ops/weight_matmul.hpp"

namespace lf {
namespace {

// Views a's leading dimensions as M rows of K. Rows may be strided when a
// is 2-D; higher ranks must be contiguous to flatten.
Tensor rows_of(const Tensor& a, const char* op) {
  LF_CHECK(a.rank() >= 1, op, "a must have rank >= 1, got " + a.shape().str());
  if (a.rank() == 2) return a;
  const Tensor c = a;
  LF_CHECK(c.is_contiguous(), op, "a " + a.shape().str() + " of rank > 2 must be contiguous");
  return c.reshape({a.shape().rows(), a.dim(-1)});
}

}  // namespace

void matmul(const Tensor& a, const Tensor& b, Tensor& out, bool transpose_b) {
  const char* op = "matmul";
  detail::require_f32(op, "a", a);
  detail::require_f32_contiguous(op, "b", b);
  detail::require_f32_contiguous(op, "out", out);
  detail::require_rank(op, "b", b, 2);
  const std::int64_t k = a.rank() ? a.dim(-1) : 0;
  const std::int64_t bk = transpose_b ? b.dim(1) : b.dim(0);
  const std::int64_t n = transpose_b ? b.dim(0) : b.dim(1);
  LF_CHECK(bk == k, op,
        "inner dimensions differ: a " + a.shape().str() + ", b " + b.shape().str() +
            (transpose_b ? " (transposed)" : ""));
  Shape expect = a.shape();
  expect[expect.rank() - 1] = n;
  LF_CHECK(out.shape() == expect, op, "out must be " + expect.str() + ", got " + out.shape().str());
  LF_CHECK(out.bytes() != a.bytes() && out.bytes() != b.bytes(), op, "out must not alias an input");
  if (out.numel() == 0) return;

  const Tensor a2 = rows_of(a, op);
  MatrixMap y(out.data<float>(), a2.dim(0), n, Eigen::OuterStride<>(n));
  if (k == 0) {
    y.setZero();
    return;
  }
  const MatrixMap x = as_matrix(a2);
  const MatrixMap w = as_matrix(b);
  if (transpose_b)
    y.noalias() = x * w.transpose();
  else
    y.noalias() = x * w;
}

void linear(const Tensor& x, const Tensor& w, const Tensor& bias, Tensor& out, ThreadPool* pool, int threads,
            const PackedWeights* packed) {
  if (packed) {
    matmul_packed(x, *packed, bias, out, pool, threads);
    return;
  }
  matmul_weights(x, w, out, pool, threads);
  if (!bias.defined()) return;
  const std::int64_t n = w.dim(0);
  detail::require_vector("linear", "bias", bias, n);
  const float* b = bias.data<float>();
  float* y = out.data<float>();
  const std::int64_t rows = out.numel() / (n == 0 ? 1 : n);
  for (std::int64_t r = 0; r < rows; ++r, y += n)
    for (std::int64_t j = 0; j < n; ++j) y[j] += b[j];
}

}  // namespace lf
