// Host launcher of residual_add_kernel (launch.hpp).
#include <string>

#include "residual_add.cuh"

namespace lf::kernels::inline LF_CUDA_FLAVOUR {

void residual_add(const float* a, const float* b, float* out, std::int64_t n, Stream stream) {
  const char* op = "cuda residual_add";
  LF_CHECK(n >= 0, op, "n must be >= 0, got " + std::to_string(n));
  LF_CHECK(a && b && out, op, "null pointer argument");
  if (n == 0) return;
  launch(op, residual_add_kernel, elementwise_grid(n), dim3(kElementwiseThreads), 0, stream, a, b, out,
         static_cast<long long>(n));
}

}  // namespace lf::kernels
