// The CUDA backend lives in its own library, liveformer_cuda (src/cuda), so
// that a CPU-only program links neither cuBLAS nor the CUDA runtime. It
// depends on this library (model code), so this library cannot name it
// directly without a cycle: it asks for a weak entry point that
// liveformer_cuda defines. Linking liveformer_cuda (CMake component `cuda`,
// pkg-config `liveformer-cuda`) forces that entry in with `-u`.
#include "builtin_backends.hpp"

extern "C" const lf::AcceleratorBackend* liveformer_cuda_backend_entry() __attribute__((weak));

namespace lf {

std::optional<AcceleratorBackend> builtin_cuda_backend() {
  if (liveformer_cuda_backend_entry == nullptr) return std::nullopt;  // not linked
  const AcceleratorBackend* backend = liveformer_cuda_backend_entry();
  if (backend == nullptr) return std::nullopt;
  return *backend;
}

}  // namespace lf
