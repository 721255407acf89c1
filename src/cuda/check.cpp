// The error paths of LF_CUDA_CHECK / LF_CUBLAS_CHECK (real build only).
#include "check.hpp"

#include <cublas_v2.h>

namespace lf::cuda::inline LF_CUDA_FLAVOUR {

namespace {

std::string where(const char* file, int line) { return std::string(" at ") + file + ":" + std::to_string(line); }

}  // namespace

void throw_cuda_error(cudaError_t status, const char* call, const char* file, int line) {
  // No driver / no device / driver too old are the user's machine, not bad
  // input: the C API reports them as "unsupported".
  const bool no_gpu = status == cudaErrorNoDevice || status == cudaErrorInsufficientDriver ||
                      status == cudaErrorInitializationError;
  throw_error("cuda", std::string(call) + " failed: " + cudaGetErrorString(status) + " (" + cudaGetErrorName(status) +
                          ")" + where(file, line),
              no_gpu ? ErrorKind::unsupported : ErrorKind::invalid);
}

void throw_cublas_error(int status, const char* call, const char* file, int line) {
  throw_error("cublas", std::string(call) + " failed: " + cublasGetStatusString(static_cast<cublasStatus_t>(status)) +
                            where(file, line));
}

}  // namespace lf::cuda
