// Honest skips: a test that cannot run here (no ../shared, no AVX-512 VNNI,
// no spm_train) says so with LF_SKIP, and when a test case ran nothing but
// a skip, its ctest test is reported as skipped (exit code 77, which
// tests/CMakeLists.txt declares as SKIP_RETURN_CODE), not as passed.
#pragma once

#include <catch2/catch.hpp>

namespace lf::test {

/// Marks the running test case as skipped (see catch_main.cpp).
void mark_skipped();

}  // namespace lf::test

/// Skips the rest of the running test case (or SECTION) with a reason.
#define LF_SKIP(reason)                \
  do {                                 \
    WARN("skipped: " << reason);       \
    ::lf::test::mark_skipped();        \
    return;                            \
  } while (0)
