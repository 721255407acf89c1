// Host launcher of bias_add_kernel (launch.hpp).
#include <climits>
#include <string>

#include "bias_add.cuh"

namespace lf::kernels::inline LF_CUDA_FLAVOUR {

void bias_add(const float* x, const float* bias, float* out, std::int64_t n, std::int64_t cols, Stream stream) {
  const char* op = "cuda bias_add";
  LF_CHECK(n >= 0, op, "n must be >= 0, got " + std::to_string(n));
  LF_CHECK(cols >= 1 && cols <= INT_MAX && n % cols == 0, op,
           "cols must be in [1, 2^31) and divide n = " + std::to_string(n) + ", got " + std::to_string(cols));
  LF_CHECK(x && bias && out, op, "null pointer argument");
  if (n == 0) return;
  launch(op, bias_add_kernel, elementwise_grid(n), dim3(kElementwiseThreads), 0, stream, x, bias, out,
         static_cast<long long>(n), static_cast<int>(cols));
}

}  // namespace lf::kernels
