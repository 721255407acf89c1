// The portability layer every kernel header includes first. Under nvcc it is
// plain CUDA; with -DLF_EMULATE_CUDA and a host C++ compiler the same names
// (threadIdx, __syncthreads, __shfl_xor_sync, __shared__, ...) come from the
// CPU emulator in kernels/emulator/, so one kernel source serves both.
//
// Rules for kernel code (docs/cuda.md): dynamic shared memory through
// LF_DYNAMIC_SHARED, launches through lf::kernels::launch, no <<<...>>>.
#pragma once

#include <cstddef>
#include <string>
#include <utility>

#include <liveformer/core/error.hpp>

#include "launch.hpp"

#if defined(LF_EMULATE_CUDA)
#include "emulator/emulator.hpp"
/// Declares `type* name` pointing at the block's dynamic shared memory.
#define LF_DYNAMIC_SHARED(type, name) type* name = static_cast<type*>(::lf::emu::dynamic_shared_memory())
#elif defined(__CUDACC__)
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#define LF_DYNAMIC_SHARED(type, name)                                 \
  extern __shared__ __align__(16) unsigned char lf_dynamic_shared_[]; \
  type* name = reinterpret_cast<type*>(lf_dynamic_shared_)
#else
#error "kernels/*.cuh are CUDA: compile them with nvcc, or with -DLF_EMULATE_CUDA for the CPU emulator"
#endif

namespace lf::kernels::inline LF_CUDA_FLAVOUR {

/// All 32 lanes of a warp, for the *_sync collectives.
inline constexpr unsigned kFullWarpMask = 0xffffffffu;

/// kernel<<<grid, block, shared_bytes, stream>>>(args...), or its emulation.
/// `name` (the op) prefixes the lf::Error a failed launch throws.
template <class... Params, class... Args>
void launch(const char* name, void (*kernel)(Params...), dim3 grid, dim3 block, std::size_t shared_bytes,
            Stream stream, Args&&... args) {
#if defined(LF_EMULATE_CUDA)
  (void)name;
  (void)stream;
  ::lf::emu::launch(kernel, grid, block, shared_bytes, std::forward<Args>(args)...);
#else
  kernel<<<grid, block, shared_bytes, stream>>>(std::forward<Args>(args)...);
  const cudaError_t status = cudaGetLastError();
  LF_CHECK(status == cudaSuccess, name,
           std::string("kernel launch failed: ") + cudaGetErrorString(status) + " (" + __FILE__ + ":" +
               std::to_string(__LINE__) + ")");
#endif
}

/// Threads for a one-block-per-row kernel: a whole number of warps, enough
/// to cover `cols` once if possible, at most `max_threads`.
inline unsigned row_block_threads(long long cols, unsigned max_threads = 256) {
  long long warps = (cols + 31) / 32;
  if (warps < 1) warps = 1;
  const long long threads = warps * 32;
  return threads < max_threads ? static_cast<unsigned>(threads) : max_threads;
}

/// Threads per block of the element-wise (grid-stride) kernels.
inline constexpr unsigned kElementwiseThreads = 256;

/// Grid of an element-wise kernel over n elements: one thread per element,
/// but at most enough blocks to fill an H100 (132 SMs x 8 resident blocks
/// of 256); the grid-stride loop covers the rest.
inline dim3 elementwise_grid(long long n) {
  constexpr long long kMaxBlocks = 132 * 8;
  const long long blocks = (n + kElementwiseThreads - 1) / kElementwiseThreads;
  return dim3(static_cast<unsigned>(blocks < 1 ? 1 : (blocks < kMaxBlocks ? blocks : kMaxBlocks)));
}

}  // namespace lf::kernels
