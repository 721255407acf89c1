// Comparing results with references by relative norm error.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <liveformer/core/tensor.hpp>

namespace lf::test {

/// ||got - want||₂ / max(||want||₂, tiny): the error measure used by every
/// numerical test (see tests/README.md). Non-finite values in `got` where
/// `want` is finite give +inf, so NaN never passes.
double relative_error(std::span<const float> got, std::span<const double> want);
double relative_error(const Tensor& got, std::span<const double> want);
double relative_error(const Tensor& got, const Tensor& want);

/// A tensor's f32 values as a vector (any dtype, any strides).
std::vector<float> values(const Tensor& t);

/// Directory of committed fixtures (tests/data) and of the shared
/// third-party data (../shared); environment variables LIVEFORMER_TEST_DATA
/// and LIVEFORMER_SHARED override them.
std::string test_data_dir();
std::string shared_dir();
/// True when shared_dir() exists; tests that need it SKIP (with a message)
/// otherwise.
bool have_shared();

}  // namespace lf::test
