// The accelerator backends compiled into this library (internal).
#pragma once

#include <optional>

#include "liveformer/runtime/accelerator.hpp"

namespace lf {

/// src/cuda's real backend when the library was built with LIVEFORMER_CUDA, else nullopt.
std::optional<AcceleratorBackend> builtin_cuda_backend();

}  // namespace lf
