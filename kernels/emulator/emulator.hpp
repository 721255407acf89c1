// A CPU emulator of CUDA kernels, for the tests: the same kernel source that
// nvcc compiles for the GPU, built by the host compiler with
// -DLF_EMULATE_CUDA (through kernels/cuda_compat.cuh) and run here.
// See docs/cuda.md for what is emulated and what is reported as an error.
#pragma once

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "block_runner.hpp"
#include "device_api.hpp"
#include "dim3.hpp"
#include "half_types.hpp"
#include "vector_types.hpp"

namespace lf::emu {

/// Runs kernel<<<grid, block, shared_bytes>>>(args...) to completion on the
/// calling thread: every block in turn, the block's threads as fibers.
/// Each thread gets its own copy of the parameters, as on a GPU. Throws
/// lf::Error for a launch the GPU would reject, a divergent __syncthreads,
/// a warp collective whose lanes disagree or are missing, or a write past
/// the requested dynamic shared memory; rethrows what a kernel thread threw.
template <class... Params, class... Args>
void launch(void (*kernel)(Params...), dim3 grid, dim3 block, std::size_t shared_bytes, Args&&... args) {
  static_assert(sizeof...(Params) == sizeof...(Args), "launch: wrong number of kernel arguments");
  std::tuple<std::decay_t<Params>...> params(std::forward<Args>(args)...);  // like CUDA's parameter buffer
  detail::BlockRunner runner(grid, block, shared_bytes, [&] { std::apply(kernel, params); });
  runner.run();
}

}  // namespace lf::emu
