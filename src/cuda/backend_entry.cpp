// The entry point by which libliveformer finds this backend
// (runtime/builtin_backends.cpp declares it weak). Only the real build has it;
// linkers pull it in through `-u liveformer_cuda_backend_entry`, which the
// liveformer_cuda target and liveformer-cuda.pc carry.
#include "accelerator_backend.hpp"

extern "C" const lf::AcceleratorBackend* liveformer_cuda_backend_entry() {
  static const lf::AcceleratorBackend backend = lf::cuda::backend();
  return &backend;
}
