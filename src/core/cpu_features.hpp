// Internal: CPU features the kernels choose by at run time.
#pragma once

namespace lf::detail {

/// F16C (CPUID leaf 1, ECX bit 29) and AVX2: 8 halves widened per
/// instruction. Read once. (clang 14's __builtin_cpu_supports does not know
/// the "f16c" feature name, hence CPUID.)
bool cpu_has_f16c();

}  // namespace lf::detail
