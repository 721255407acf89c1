// matmul_weights for the block types without a fused kernel (K-quants and
// the legacy q4_1 / q5_0 / q5_1 / iq4_nl): a block of weight rows is
// dequantized into per-thread f32 scratch, then the f32 kernel meets it
// with every row of x. The dequantization costs O(N K) per call against
// the product's O(M N K), and the results are the f32 kernel's on exactly
// the values the file stores.
#include <algorithm>
#include <vector>

#include "liveformer/core/convert.hpp"
#include "liveformer/core/dtype.hpp"
#include "weight_matmul_kernels.hpp"

namespace lf::detail::qmm {

void matmul_dequantized(Kernel f32, int type, const float* const* x, std::int64_t m, const std::byte* w,
                        std::int64_t k, std::int64_t n_begin, std::int64_t n_end, float* out, std::int64_t ldo) {
  const auto dtype = static_cast<DType>(type);
  const std::int64_t rows_per_block = block_rows(k), row_bytes = dtype_bytes(dtype, k);
  // Reused across calls: nothing is allocated once a thread has run one.
  thread_local std::vector<float> weights, panel;
  const auto block_floats = static_cast<std::size_t>(rows_per_block * k);
  if (weights.size() < block_floats) weights.resize(block_floats);
  if (panel.size() < static_cast<std::size_t>(panel_floats(k))) panel.resize(static_cast<std::size_t>(panel_floats(k)));
  for (std::int64_t j0 = n_begin; j0 < n_end; j0 += rows_per_block) {
    const std::int64_t rows = std::min(rows_per_block, n_end - j0);
    for (std::int64_t r = 0; r < rows; ++r) to_f32_row(dtype, w + (j0 + r) * row_bytes, weights.data() + r * k, k);
    // The block's rows are weight rows 0..rows of the scratch; their
    // outputs are columns j0.. of out.
    f32(x, m, reinterpret_cast<const std::byte*>(weights.data()), k, 0, rows, out + j0, ldo, panel.data());
  }
}

}  // namespace lf::detail::qmm
