// The CUDA backend behind the runtime's accelerator interface
// (liveformer/runtime/accelerator.hpp): DeviceModel as an
// lf::AcceleratorModel, DeviceContext as an lf::AcceleratorSequence.
// Compiled into both builds: the real one is the library liveformer_cuda
// (libliveformer finds it through a weak entry point,
// runtime/builtin_backends.cpp); the tests install the emulated one with
// install_backend().
#pragma once

#include <optional>

#include <liveformer/runtime/accelerator.hpp>

#include "flavour.hpp"

namespace lf::cuda::inline LF_CUDA_FLAVOUR {

/// This build's backend: "cuda" (needs a GPU) or "cuda (emulator)".
AcceleratorBackend backend();
/// Installs backend() behind device cuda; returns the backend it replaces.
std::optional<AcceleratorBackend> install_backend();

}  // namespace lf::cuda::inline LF_CUDA_FLAVOUR
