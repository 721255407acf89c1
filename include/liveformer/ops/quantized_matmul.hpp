// Fused dequantize-and-dot products for f16 / bf16 / q8_0 / q4_0 weights.
//
// Decode (one token) is memory-bound: every weight byte is read once per
// token, so the kernels read the weights in their stored form and widen
// them to f32 in registers, never materializing an f32 copy. Activations
// stay f32 (no 8-bit quantization of x), so results match an exact
// dequantize-then-multiply up to f32 rounding of the dot products.
//
// Several kernel variants exist and one is chosen at run time from the
// CPU's features (portable scalar code, AVX2+FMA+F16C, AVX-512F/BW/VL).
// The SIMD variants are compiled with per-function target attributes, so
// the library runs on CPUs without them whatever the build flags.
#pragma once

#include <string_view>
#include <vector>

#include "liveformer/core/tensor.hpp"

namespace lf {

/// A kernel variant, by the instruction set it needs.
enum class KernelIsa { scalar, avx2, avx512 };

/// "scalar", "avx2" or "avx512".
std::string_view isa_name(KernelIsa isa);

/// The variants this CPU can run, slowest first; scalar is always there.
std::vector<KernelIsa> available_isas();

/// The variant matmul_quantized uses: the last of available_isas(), unless
/// the environment variable LIVEFORMER_ISA (scalar | avx2 | avx512) names
/// another available one. Decided once, at first use.
KernelIsa default_isa();

/// out = x · wᵀ with w stored as f16, bf16, q8_0 or q4_0.
///
/// x:   f32 [..., K]; leading dimensions are flattened into M rows (rows
///      may be strided when x is 2-D; the inner dimension must be contiguous).
/// w:   [N, K], contiguous, dtype f16 | bf16 | q8_0 | q4_0 (GGUF layouts);
///      for q8_0 / q4_0, K must be a multiple of 32.
/// out: f32 [..., N] with x's leading dimensions, contiguous, not aliasing x.
///
/// Made for decode and small batches (M up to ~16): each weight row is read
/// once per group of up to 4 rows of x. Single-threaded; callers split N.
/// Throws lf::Error naming "matmul_quantized" and the shapes on bad input.
void matmul_quantized(const Tensor& x, const Tensor& w, Tensor& out);

/// Same, with a specific variant (for tests and benchmarks). Throws
/// lf::Error when this CPU cannot run `isa`.
void matmul_quantized(const Tensor& x, const Tensor& w, Tensor& out, KernelIsa isa);

}  // namespace lf
