// Host launcher of softmax_kernel (launch.hpp).
#include <climits>
#include <string>

#include "softmax.cuh"

namespace lf::kernels::inline LF_CUDA_FLAVOUR {

void softmax(const float* x, float* out, std::int64_t rows, std::int64_t cols, const SoftmaxParams& p,
             Stream stream) {
  const char* op = "cuda softmax";
  LF_CHECK(rows >= 0 && rows <= INT_MAX, op, "rows must be in [0, 2^31), got " + std::to_string(rows));
  LF_CHECK(cols >= 1 && cols <= INT_MAX, op, "cols must be in [1, 2^31), got " + std::to_string(cols));
  LF_CHECK(x && out, op, "null pointer argument");
  LF_CHECK(!p.mask || (p.mask_rows >= 1 && p.mask_rows <= INT_MAX), op,
           "mask_rows must be in [1, 2^31), got " + std::to_string(p.mask_rows));
  LF_CHECK(!p.causal || (p.q_len >= 1 && p.q_len <= INT_MAX), op,
           "q_len must be in [1, 2^31), got " + std::to_string(p.q_len));
  if (rows == 0) return;
  // Cache the row in shared memory when it fits the default 48 KiB.
  const std::size_t cache_bytes = static_cast<std::size_t>(cols) * sizeof(float);
  const bool cache_row = cache_bytes <= 48 * 1024;
  const SoftmaxShape shape{static_cast<int>(cols),
                           p.mask ? static_cast<int>(p.mask_rows) : 1,
                           p.causal ? static_cast<int>(p.q_len) : 1,
                           static_cast<long long>(p.causal_offset),
                           p.scale,
                           p.causal,
                           cache_row};
  launch(op, softmax_kernel, dim3(static_cast<unsigned>(rows)), dim3(row_block_threads(cols)),
         cache_row ? cache_bytes : 0, stream, x, p.mask, out, shape);
}

}  // namespace lf::kernels
