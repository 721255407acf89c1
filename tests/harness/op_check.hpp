// The assertion every op test ends with: backend output vs reference.
#pragma once

#include <string>

#include "harness/backend.hpp"
#include "harness/reference.hpp"

namespace lf::test {

/// Checks that `got` has `want`'s shape and a relative norm error of at
/// most `tolerance`; reports the backend, case and measured error.
void check_close(const Backend& backend, const std::string& label, const Tensor& got, const Array& want,
                 double tolerance);

/// Tolerance for f32 ops against a double reference (tests/README.md).
/// The cases are small (reductions of at most a few hundred terms), so f32
/// rounding stays around 1e-7..1e-6; 1e-5 leaves headroom without hiding a
/// real bug (a wrong mask, scale or head mapping gives 1e-2 or more; tanh
/// GELU where erf is expected gives 5e-5).
inline constexpr double kF32Tolerance = 1e-5;

}  // namespace lf::test
