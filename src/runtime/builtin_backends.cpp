// With LIVEFORMER_CUDA, src/cuda's real backend is compiled into
// libliveformer (src/cuda/CMakeLists.txt) and offered here.
#include "builtin_backends.hpp"

#if defined(LIVEFORMER_BUILTIN_CUDA)
#include "accelerator_backend.hpp"  // src/cuda
#endif

namespace lf {

std::optional<AcceleratorBackend> builtin_cuda_backend() {
#if defined(LIVEFORMER_BUILTIN_CUDA)
  return cuda::backend();
#else
  return std::nullopt;
#endif
}

}  // namespace lf
