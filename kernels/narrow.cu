// Host launcher of narrow_kernel (launch.hpp).
#include <string>

#include "narrow.cuh"

namespace lf::kernels::inline LF_CUDA_FLAVOUR {

void narrow(const float* x, DType type, void* out, std::int64_t n, Stream stream) {
  const char* op = "cuda narrow";
  LF_CHECK(n >= 0, op, "n must be >= 0, got " + std::to_string(n));
  LF_CHECK(x && out, op, "null pointer argument");
  if (n == 0) return;
  const long long count = static_cast<long long>(n);
  switch (type) {
    case DType::f16:
      return launch(op, narrow_kernel<__half>, elementwise_grid(n), dim3(kElementwiseThreads), 0, stream, x,
                    static_cast<__half*>(out), count);
    case DType::bf16:
      return launch(op, narrow_kernel<__nv_bfloat16>, elementwise_grid(n), dim3(kElementwiseThreads), 0, stream, x,
                    static_cast<__nv_bfloat16*>(out), count);
    default:
      throw_error(op, "target dtype " + std::string(dtype_name(type)) + " is not supported (f16, bf16)");
  }
}

}  // namespace lf::kernels
