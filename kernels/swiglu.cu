// Host launchers of silu_kernel and swiglu_kernel (launch.hpp).
#include <climits>
#include <string>

#include "swiglu.cuh"

namespace lf::kernels::inline LF_CUDA_FLAVOUR {

void silu(const float* x, float* out, std::int64_t n, Stream stream) {
  const char* op = "cuda silu";
  LF_CHECK(n >= 0, op, "n must be >= 0, got " + std::to_string(n));
  LF_CHECK(x && out, op, "null pointer argument");
  if (n == 0) return;
  launch(op, silu_kernel, elementwise_grid(n), dim3(kElementwiseThreads), 0, stream, x, out, static_cast<long long>(n));
}

void swiglu(const float* gate, const float* up, float* out, std::int64_t n, Stream stream) {
  const char* op = "cuda swiglu";
  LF_CHECK(n >= 0, op, "n must be >= 0, got " + std::to_string(n));
  LF_CHECK(gate && up && out, op, "null pointer argument");
  if (n == 0) return;
  launch(op, swiglu_kernel, elementwise_grid(n), dim3(kElementwiseThreads), 0, stream, gate, up, out,
         static_cast<long long>(n));
}

void swiglu_bias(const float* gate, const float* gate_bias, const float* up, const float* up_bias, float* out,
                 std::int64_t n, std::int64_t cols, Stream stream) {
  const char* op = "cuda swiglu_bias";
  LF_CHECK(n >= 0, op, "n must be >= 0, got " + std::to_string(n));
  LF_CHECK(cols >= 1 && cols <= INT_MAX && n % cols == 0, op,
           "cols must be in [1, 2^31) and divide n = " + std::to_string(n) + ", got " + std::to_string(cols));
  LF_CHECK(gate && up && out, op, "null pointer argument");
  if (n == 0) return;
  launch(op, swiglu_bias_kernel, elementwise_grid(n), dim3(kElementwiseThreads), 0, stream, gate, gate_bias, up,
         up_bias, out, static_cast<long long>(n), static_cast<int>(cols));
}

}  // namespace lf::kernels
