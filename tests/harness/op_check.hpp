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

/// Tolerance for f32 ops against the double reference (tests/README.md).
inline constexpr double kF32Tolerance = 1e-5;

}  // namespace lf::test
