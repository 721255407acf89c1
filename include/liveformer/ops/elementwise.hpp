// Binary element-wise arithmetic with numpy-style broadcasting.
#pragma once

#include "liveformer/core/tensor.hpp"

namespace lf {

/// out = a + b. a and b are f32 and broadcast against each other (numpy
/// rules, any strides); out is contiguous with the broadcast shape and may
/// alias a (or b) when that operand already has the output's shape.
void add(const Tensor& a, const Tensor& b, Tensor& out);

/// out = a * b, with the same rules as add.
void mul(const Tensor& a, const Tensor& b, Tensor& out);

/// The shape a and b broadcast to; throws naming `op` if they do not.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);

}  // namespace lf
