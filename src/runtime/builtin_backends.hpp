// The accelerator backends linked into this program (internal).
#pragma once

#include <optional>

#include "liveformer/runtime/accelerator.hpp"

namespace lf {

/// src/cuda's real backend when the program links liveformer_cuda, else nullopt.
std::optional<AcceleratorBackend> builtin_cuda_backend();

}  // namespace lf
