// Internal: CPU features the kernels choose by at run time.
#pragma once

namespace lf::detail {

/// F16C (CPUID leaf 1, ECX bit 29) and AVX2: 8 halves widened per
/// instruction. Read once. (clang 14's __builtin_cpu_supports does not know
/// the "f16c" feature name, hence CPUID.)
bool cpu_has_f16c();

/// AVX-512 BF16 (CPUID leaf 7 subleaf 1, EAX bit 5) with AVX-512 F:
/// vdpbf16ps, two bf16 products per f32 lane. Read once.
bool cpu_has_avx512_bf16();

}  // namespace lf::detail
