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

/// The SIMD files share one driver: weight rows outer, groups of up to
/// kRowGroup rows of x inner, R<n> handling n rows at once. It is a macro
/// because it must carry the file's target attribute (ATTR) so that the
/// row functions, compiled for that instruction set, inline into it.
/// Expand inside the file's anonymous namespace, after the row functions.
#define LF_QMM_SIMD_DRIVER(ATTR)                                                                              \
  using RowFn = void (*)(const float* const*, const std::byte*, std::int64_t, float*, std::int64_t);       \
  template <RowFn R1, RowFn R2, RowFn R3, RowFn R4, int BlockBytes, int BlockSize>                          \
  ATTR void kernel(const float* const* x, std::int64_t m, const std::byte* w, std::int64_t k,               \
                   std::int64_t n_begin, std::int64_t n_end, float* out, std::int64_t ldo) {                \
    static_assert(kRowGroup == 4);                                                                          \
    const std::int64_t row_bytes = k / BlockSize * BlockBytes;                                              \
    for (std::int64_t j = n_begin; j < n_end; ++j) {                                                        \
      const std::byte* wr = w + j * row_bytes;                                                              \
      for (std::int64_t i = 0; i < m; i += 4) {                                                             \
        float* o = out + i * ldo + j;                                                                       \
        switch (m - i) {                                                                                    \
          case 1: R1(x + i, wr, k, o, ldo); break;                                                          \
          case 2: R2(x + i, wr, k, o, ldo); break;                                                          \
          case 3: R3(x + i, wr, k, o, ldo); break;                                                          \
          default: R4(x + i, wr, k, o, ldo); break;                                                         \
        }                                                                                                   \
      }                                                                                                     \
    }                                                                                                       \
  }

/// The kernel table of a SIMD file, from its rows_half / rows_q8_0 /
/// rows_q4_0 row functions and LF_QMM_SIMD_DRIVER's kernel.
#define LF_QMM_SIMD_TABLE                                                                                    \
  Kernels {                                                                                                  \
    kernel<rows_half<false, 1>, rows_half<false, 2>, rows_half<false, 3>, rows_half<false, 4>, 2, 1>,        \
        kernel<rows_half<true, 1>, rows_half<true, 2>, rows_half<true, 3>, rows_half<true, 4>, 2, 1>,        \
        kernel<rows_q8_0<1>, rows_q8_0<2>, rows_q8_0<3>, rows_q8_0<4>, 34, 32>,                              \
        kernel<rows_q4_0<1>, rows_q4_0<2>, rows_q4_0<3>, rows_q4_0<4>, 18, 32>                               \
  }

const Kernels& scalar_kernels();
/// Only call these after checking the CPU supports the instruction set.
const Kernels& avx2_kernels();
const Kernels& avx512_kernels();

}  // namespace lf::detail::qmm
