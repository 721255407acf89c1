// Host launcher of layer_norm_kernel (launch.hpp).
#include <climits>
#include <string>

#include "layer_norm.cuh"

namespace lf::kernels::inline LF_CUDA_FLAVOUR {

void layer_norm(const float* x, const float* weight, const float* bias, float* out, std::int64_t rows,
                std::int64_t cols, float eps, Stream stream) {
  const char* op = "cuda layer_norm";
  LF_CHECK(rows >= 0 && rows <= INT_MAX, op, "rows must be in [0, 2^31), got " + std::to_string(rows));
  LF_CHECK(cols >= 1 && cols <= INT_MAX, op, "cols must be in [1, 2^31), got " + std::to_string(cols));
  LF_CHECK(x && weight && out, op, "null pointer argument");
  if (rows == 0) return;
  launch(op, layer_norm_kernel, dim3(static_cast<unsigned>(rows)), dim3(row_block_threads(cols)), 0, stream, x,
         weight, bias, out, static_cast<int>(cols), eps);
}

}  // namespace lf::kernels
