// Eigen views of f32 tensors, so ops can use Eigen's kernels without copies.
#pragma once

#include <Eigen/Core>

#include "liveformer/core/tensor.hpp"

namespace lf {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixMap = Eigen::Map<RowMatrix, Eigen::Unaligned, Eigen::OuterStride<>>;
using VectorMap = Eigen::Map<Eigen::VectorXf>;

/// A 2-D f32 tensor with unit inner stride as a row-major Eigen matrix
/// (rows may be strided, e.g. one head's slice of a [T, H, D] tensor).
inline MatrixMap as_matrix(const Tensor& t) {
  LF_CHECK(t.dtype() == DType::f32 && t.rank() == 2, "as_matrix", "needs a 2-D f32 tensor, got " + t.str());
  LF_CHECK(t.dim(1) <= 1 || t.stride(1) == 1, "as_matrix", "inner dimension of " + t.str() + " is strided");
  return MatrixMap(t.data<float>(), t.dim(0), t.dim(1), Eigen::OuterStride<>(t.dim(0) > 1 ? t.stride(0) : t.dim(1)));
}

/// A contiguous f32 tensor of any rank as a flat Eigen vector.
inline VectorMap as_vector(const Tensor& t) {
  LF_CHECK(t.dtype() == DType::f32 && t.is_contiguous(), "as_vector", "needs a contiguous f32 tensor, got " + t.str());
  return VectorMap(t.data<float>(), t.numel());
}

}  // namespace lf
