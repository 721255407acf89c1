// Internal interface between matmul_quantized's dispatcher and the
// per-instruction-set kernel files (quantized_matmul_{scalar,avx2,avx512}.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace lf::detail::qmm {

/// Computes out[i * ldo + j] = dot(x[i], dequantized weight row j) for
/// i in [0, m) and j in [n_begin, n_end). x[i] points at K contiguous
/// floats; weight row j starts at w + j * dtype_bytes(type, k). K is a
/// multiple of 32 for the block types. No argument checks: the dispatcher
/// has done them.
using Kernel = void (*)(const float* const* x, std::int64_t m, const std::byte* w, std::int64_t k,
                        std::int64_t n_begin, std::int64_t n_end, float* out, std::int64_t ldo);

/// One kernel per weight type.
struct Kernels {
  Kernel f16;
  Kernel bf16;
  Kernel q8_0;
  Kernel q4_0;
};

/// Rows of x handled together, so each weight row is loaded once per group.
inline constexpr std::int64_t kRowGroup = 4;

const Kernels& scalar_kernels();
/// Only call these after checking the CPU supports the instruction set.
const Kernels& avx2_kernels();
const Kernels& avx512_kernels();

}  // namespace lf::detail::qmm
