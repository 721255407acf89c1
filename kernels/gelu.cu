// Host launcher of gelu_kernel (launch.hpp).
#include <climits>
#include <string>

#include "gelu.cuh"

namespace lf::kernels::inline LF_CUDA_FLAVOUR {

void gelu(const float* x, const float* bias, float* out, std::int64_t n, std::int64_t cols, GeluKind kind,
          Stream stream) {
  const char* op = "cuda gelu";
  LF_CHECK(n >= 0, op, "n must be >= 0, got " + std::to_string(n));
  LF_CHECK(!bias || (cols >= 1 && cols <= INT_MAX && n % cols == 0), op,
           "with a bias, cols must be in [1, 2^31) and divide n = " + std::to_string(n) + ", got " +
               std::to_string(cols));
  LF_CHECK(x && out, op, "null pointer argument");
  if (n == 0) return;
  launch(op, gelu_kernel, elementwise_grid(n), dim3(kElementwiseThreads), 0, stream, x, bias, out,
         static_cast<long long>(n), bias ? static_cast<int>(cols) : 1, kind == GeluKind::erf);
}

}  // namespace lf::kernels
