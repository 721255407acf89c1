// x · wᵀ with weights read as stored: f32, f16, bf16, q8_0, q4_0, and the
// read-only block types (K-quants, q4_1, q5_0, q5_1, iq4_nl) dequantized a
// cache block of rows at a time into the f32 kernel.
//
// Decode (one token) is memory-bound: every weight byte is read once per
// token, so the kernels read the weights in their stored form, never
// materializing an f32 copy. f16 / bf16 are widened to f32 in registers
// (for many rows, a cache-sized block of weight rows is widened once and
// meets every row). For q8_0 / q4_0 the rows of x are rounded to q8_0
// blocks first, as llama.cpp does, so each 32-block is an exact integer dot
// product (AVX2 maddubs, AVX-512 VNNI) scaled once: about 0.4% relative
// error from the rounding of x, and far fewer instructions per weight.
//
// Batch-invariant: each output element is computed by the same sequence
// of f32 operations whatever the number of rows, the tiling or the thread
// split, so one sequence's result does not depend on what else is in the
// batch. (It does depend on the kernel variant.)
//
// Several kernel variants exist and one is chosen at run time from the
// CPU's features (portable scalar code, AVX2+FMA+F16C, AVX-512F/BW/VL).
// The SIMD variants are compiled with per-function target attributes, so
// the library runs on CPUs without them whatever the build flags.
#pragma once

#include <string_view>
#include <vector>

#include "liveformer/core/tensor.hpp"
#include "liveformer/core/thread_pool.hpp"

namespace lf {

/// A kernel variant, by the instruction set it needs.
enum class KernelIsa { scalar, avx2, avx512 };

/// "scalar", "avx2" or "avx512".
std::string_view isa_name(KernelIsa isa);

/// The variants this CPU can run, slowest first; scalar is always there.
/// avx512 needs AVX-512 F, BW, VL and VNNI (older AVX-512 CPUs get avx2).
std::vector<KernelIsa> available_isas();

/// The variant matmul_weights uses: the last of available_isas(), unless
/// the environment variable LIVEFORMER_ISA (scalar | avx2 | avx512) names
/// another available one. Decided once, at first use.
KernelIsa default_isa();

/// Whether matmul_weights reads this storage type in place.
bool weight_type_supported(DType type);

/// out = x · wᵀ.
///
/// x:   f32 [..., K]; leading dimensions are flattened into M rows (rows
///      may be strided when x is 2-D; the inner dimension must be contiguous).
/// w:   [N, K], contiguous, dtype f32 | f16 | bf16 | any block type (GGUF
///      layouts); K must be a multiple of the block size (32, or 256 for
///      the K-quants).
/// out: f32 [..., N] with x's leading dimensions, contiguous, not aliasing x.
/// pool, threads: split N over up to `threads` threads of `pool` (all of
///      them when threads < 1); no pool means the calling thread only.
/// Throws lf::Error naming "matmul_weights" and the shapes on bad input.
void matmul_weights(const Tensor& x, const Tensor& w, Tensor& out, ThreadPool* pool = nullptr, int threads = 0);

/// Same, single-threaded, with a specific variant (for tests and
/// benchmarks). Throws lf::Error when this CPU cannot run `isa`.
void matmul_weights(const Tensor& x, const Tensor& w, Tensor& out, KernelIsa isa);

}  // namespace lf
