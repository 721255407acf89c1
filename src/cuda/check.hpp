// Status checks for CUDA runtime and cuBLAS calls (real build only): every
// call goes through LF_CUDA_CHECK / LF_CUBLAS_CHECK, which throw lf::Error
// with the call, CUDA's own message and the file:line of the call.
#pragma once

#include <string>

#include <cuda_runtime.h>

#include <liveformer/core/error.hpp>

#include "flavour.hpp"

namespace lf::cuda::inline LF_CUDA_FLAVOUR {

/// "cuda: cudaMalloc(&p, n) failed: out of memory (cudaErrorMemoryAllocation) at src/cuda/x.cpp:12".
[[noreturn]] void throw_cuda_error(cudaError_t status, const char* call, const char* file, int line);
[[noreturn]] void throw_cublas_error(int status, const char* call, const char* file, int line);

}  // namespace lf::cuda

#define LF_CUDA_CHECK(call)                                                                     \
  do {                                                                                          \
    const cudaError_t lf_cuda_status_ = (call);                                                 \
    if (lf_cuda_status_ != cudaSuccess) ::lf::cuda::throw_cuda_error(lf_cuda_status_, #call, __FILE__, __LINE__); \
  } while (0)

#define LF_CUBLAS_CHECK(call)                                                                         \
  do {                                                                                                \
    const int lf_cublas_status_ = static_cast<int>(call);                                             \
    if (lf_cublas_status_ != 0) ::lf::cuda::throw_cublas_error(lf_cublas_status_, #call, __FILE__, __LINE__); \
  } while (0)
