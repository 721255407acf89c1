// gemm() on cuBLAS (see gemm.hpp).
#include <cublas_v2.h>

#include "check.hpp"
#include "gemm.hpp"
#include "gemm_checks.hpp"

namespace lf::cuda::inline LF_CUDA_FLAVOUR {

namespace {
// cuBLAS asks for a user workspace when its calls are captured in a graph
// (otherwise it may allocate during capture); 32 MiB covers Hopper's kernels.
constexpr std::size_t kWorkspaceBytes = std::size_t{32} << 20;

cudaDataType_t cuda_type(DType t) {
  return t == DType::f16 ? CUDA_R_16F : t == DType::bf16 ? CUDA_R_16BF : CUDA_R_32F;
}
}  // namespace

GemmHandle::GemmHandle(Stream stream, bool allow_tf32) : allow_tf32_(allow_tf32), workspace_(kWorkspaceBytes) {
  cublasHandle_t h = nullptr;
  LF_CUBLAS_CHECK(cublasCreate(&h));
  try {
    LF_CUBLAS_CHECK(cublasSetStream(h, stream));
    LF_CUBLAS_CHECK(cublasSetWorkspace(h, workspace_.data(), workspace_.bytes()));
    LF_CUBLAS_CHECK(cublasSetMathMode(h, allow_tf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH));
  } catch (...) {
    cublasDestroy(h);  // the destructor does not run for a constructor that throws
    throw;
  }
  handle_ = h;
}

GemmHandle::~GemmHandle() {
  if (handle_) cublasDestroy(static_cast<cublasHandle_t>(handle_));
}

void gemm(GemmHandle& handle, const void* a, DType a_type, const void* w, DType w_type, float* out, std::int64_t m,
          std::int64_t n, std::int64_t k, std::int64_t out_stride) {
  detail::check_gemm_args(a, a_type, w, w_type, out, m, n, k, out_stride);
  if (m == 0) return;
  // cuBLAS is column-major: row-major out[m, n] is column-major outᵀ [n, m]
  // = w · aᵀ, where row-major w [n, k] read column-major is wᵀ (so op T) and
  // row-major a [m, k] read column-major is aᵀ (op N). out's row stride is
  // the column-major leading dimension ldc.
  const auto h = static_cast<cublasHandle_t>(handle.native());
  const float alpha = 1.0f, beta = 0.0f;
  const int mi = static_cast<int>(m), ni = static_cast<int>(n), ki = static_cast<int>(k);
  const int ldc = static_cast<int>(out_stride == 0 ? n : out_stride);
  if (w_type == DType::f32) {
    LF_CUBLAS_CHECK(cublasSgemm(h, CUBLAS_OP_T, CUBLAS_OP_N, ni, mi, ki, &alpha, static_cast<const float*>(w), ki,
                                static_cast<const float*>(a), ki, &beta, out, ldc));
    return;
  }
  LF_CUBLAS_CHECK(cublasGemmEx(h, CUBLAS_OP_T, CUBLAS_OP_N, ni, mi, ki, &alpha, w, cuda_type(w_type), ki, a,
                               cuda_type(a_type), ki, &beta, out, CUDA_R_32F, ldc, CUBLAS_COMPUTE_32F,
                               CUBLAS_GEMM_DEFAULT));
}

}  // namespace lf::cuda
