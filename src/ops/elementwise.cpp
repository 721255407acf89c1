#include "liveformer/ops/elementwise.hpp"

#include "checks.hpp"

namespace lf {

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  const int rank = a.rank() > b.rank() ? a.rank() : b.rank();
  Shape s;
  for (int i = 0; i < rank; ++i) {
    const int ia = i - (rank - a.rank()), ib = i - (rank - b.rank());
    const std::int64_t da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
    LF_CHECK(da == db || da == 1 || db == 1, op, "shapes " + a.str() + " and " + b.str() + " do not broadcast");
    s.push_back(da == 1 ? db : da);
  }
  return s;
}

namespace {

template <class Fn>
void binary(const char* op, const Tensor& a, const Tensor& b, Tensor& out, Fn fn) {
  detail::require_f32(op, "a", a);
  detail::require_f32(op, "b", b);
  detail::require_f32_contiguous(op, "out", out);
  const Shape shape = broadcast_shapes(a.shape(), b.shape(), op);
  LF_CHECK(out.shape() == shape, op,
        "out must be " + shape.str() + " for a " + a.shape().str() + " and b " + b.shape().str() + ", got " +
            out.shape().str());
  // Writing out while a broadcast (or strided) operand is still being read
  // from the same memory would feed results back in.
  for (const Tensor* t : {&a, &b})
    LF_CHECK(t->bytes() != out.bytes() || (t->shape() == shape && t->is_contiguous()), op,
          "out may alias an operand only if that operand has the output's shape");
  if (out.numel() == 0) return;
  const Tensor ab = a.broadcast_to(shape), bb = b.broadcast_to(shape);
  const std::int64_t n = shape.rank() ? shape.back() : 1;
  const std::int64_t sa = shape.rank() ? ab.stride(-1) : 0, sb = shape.rank() ? bb.stride(-1) : 0;
  float* y = out.data<float>();
  for (std::int64_t r = 0, rows = shape.rows(); r < rows; ++r, y += n) {
    const float* pa = shape.rank() ? detail::row_pointer(ab, r) : ab.data<float>();
    const float* pb = shape.rank() ? detail::row_pointer(bb, r) : bb.data<float>();
    for (std::int64_t j = 0; j < n; ++j) y[j] = fn(pa[j * sa], pb[j * sb]);
  }
}

}  // namespace

void add(const Tensor& a, const Tensor& b, Tensor& out) {
  binary("add", a, b, out, [](float x, float y) { return x + y; });
}

void mul(const Tensor& a, const Tensor& b, Tensor& out) {
  binary("mul", a, b, out, [](float x, float y) { return x * y; });
}

}  // namespace lf
