// Argument checks shared by the CPU ops; each names the op and the shapes.
#pragma once

#include <string>

#include "liveformer/core/tensor.hpp"

namespace lf::detail {

inline void require_f32(const char* op, const char* name, const Tensor& t) {
  LF_CHECK(t.defined(), op, std::string(name) + " is undefined");
  LF_CHECK(t.dtype() == DType::f32, op, std::string(name) + " must be f32, got " + t.str());
}

inline void require_f32_contiguous(const char* op, const char* name, const Tensor& t) {
  require_f32(op, name, t);
  LF_CHECK(t.is_contiguous(), op, std::string(name) + " " + t.shape().str() + " must be contiguous");
}

inline void require_same_shape(const char* op, const char* a_name, const Tensor& a, const char* b_name,
                               const Tensor& b) {
  LF_CHECK(a.shape() == b.shape(), op,
        std::string(a_name) + " " + a.shape().str() + " and " + b_name + " " + b.shape().str() + " differ");
}

inline void require_rank(const char* op, const char* name, const Tensor& t, int rank) {
  LF_CHECK(t.rank() == rank, op,
        std::string(name) + " must have rank " + std::to_string(rank) + ", got " + t.shape().str());
}

/// A vector of per-feature parameters (weight, bias) matching width d.
inline void require_vector(const char* op, const char* name, const Tensor& t, std::int64_t d) {
  require_f32_contiguous(op, name, t);
  LF_CHECK(t.rank() == 1 && t.dim(0) == d, op,
        std::string(name) + " must be [" + std::to_string(d) + "], got " + t.shape().str());
}

}  // namespace lf::detail

namespace lf::detail {

/// Pointer to the first element of row `r` (rows = all but the last
/// dimension, in row-major order) of an f32 tensor with any strides,
/// including the zero strides of broadcast views.
inline const float* row_pointer(const Tensor& t, std::int64_t r) {
  const float* p = t.data<float>();
  for (int i = t.rank() - 2; i >= 0; --i) {
    const std::int64_t n = t.dim(i);
    p += (r % n) * t.stride(i);
    r /= n;
  }
  return p;
}

}  // namespace lf::detail
