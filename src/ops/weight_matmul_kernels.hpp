// Internal interface between the weight-matmul dispatcher
// (weight_matmul.cpp) and the per-instruction-set kernel files
// (weight_matmul_{scalar,avx2,avx512}.cpp).
//
// The kernels are batch-invariant: every output element is one dot product
// computed by the same sequence of f32 operations whatever the number of
// rows of x, the tile it falls in, or the thread that computes it. A
// sequence's logits therefore do not depend on what else is in the batch
// (which Eigen's GEMV/GEMM switch and its M-dependent blocking do not give).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace lf::detail::qmm {

/// Weight storage types the kernels read in place (GGUF layouts).
enum class WeightType { f32, f16, bf16, q8_0, q4_0 };

/// Bytes of one weight row of K elements.
constexpr std::int64_t weight_row_bytes(WeightType t, std::int64_t k) {
  switch (t) {
    case WeightType::f32: return 4 * k;
    case WeightType::f16:
    case WeightType::bf16: return 2 * k;
    case WeightType::q8_0: return k / 32 * 34;
    case WeightType::q4_0: return k / 32 * 18;
  }
  return 0;
}

/// Computes out[i * ldo + j] = dot(x[i], weight row j) for i in [0, m) and
/// j in [n_begin, n_end). x[i] points at K contiguous floats; weight row j
/// starts at w + j * (bytes of one row). K is a multiple of 32 for the
/// block types. `panel` is scratch of panel_floats(k) floats (used when
/// many rows of x share each weight row). No argument checks: the
/// dispatcher has done them.
using Kernel = void (*)(const float* const* x, std::int64_t m, const std::byte* w, std::int64_t k,
                        std::int64_t n_begin, std::int64_t n_end, float* out, std::int64_t ldo, float* panel);

/// For q8_0 / q4_0 weights: the rows of x arrive quantized to q8_0 blocks
/// (f16 scale + 32 int8, as llama.cpp does), so each block's dot product is
/// an exact integer sum scaled once by d_w * d_x. Otherwise as Kernel.
using QuantizedKernel = void (*)(const std::byte* const* xq, std::int64_t m, const std::byte* w, std::int64_t k,
                                 std::int64_t n_begin, std::int64_t n_end, float* out, std::int64_t ldo);

/// One kernel per weight type.
struct Kernels {
  Kernel f32;
  Kernel f16;
  Kernel bf16;
  QuantizedKernel q8_0;
  QuantizedKernel q4_0;
};

/// Weight rows per register tile (all variants); blocks are multiples of it.
inline constexpr int kTileCols = 4;

/// Weight rows per cache block in the many-rows (prefill) path: about
/// 192 KiB of f32, so a block stays in L2 while every row of x passes it.
inline std::int64_t block_rows(std::int64_t k) {
  const std::int64_t rows = (192 << 10) / (4 * std::max<std::int64_t>(k, 1));
  return std::clamp<std::int64_t>(rows / kTileCols * kTileCols, kTileCols, 256);
}

/// Scratch floats a kernel needs for its dequantized panel.
inline std::int64_t panel_floats(std::int64_t k) { return block_rows(k) * k; }

/// Above this many rows of x, f16 / bf16 weights are widened once per
/// cache block into an f32 panel instead of once per tile of rows. Both
/// paths produce the same bits (the panel holds exactly the values the
/// registers would).
inline constexpr std::int64_t kPanelMinRows = 8;

/// For weight types without kernels of their own (the read-only block
/// types: q4_1 .. q6_k, see DType): weight rows [n_begin, n_end) are
/// dequantized to f32 a cache block at a time, and `f32` (a Kernel for f32
/// weights) meets each block with all m rows of x. Same contract as Kernel;
/// `type` is the weights' DType (as an integer, to keep this header free
/// of the core headers). Batch-invariant because `f32` is.
void matmul_dequantized(Kernel f32, int type, const float* const* x, std::int64_t m, const std::byte* w,
                        std::int64_t k, std::int64_t n_begin, std::int64_t n_end, float* out, std::int64_t ldo);

const Kernels& scalar_kernels();
/// Only call these after checking the CPU supports the instruction set.
const Kernels& avx2_kernels();
const Kernels& avx512_kernels();

}  // namespace lf::detail::qmm
