// Which compute device a model runs on: cpu, cuda or auto, chosen at run
// time (the C API's lf_model_params.device, the CLI's --device).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lf {

enum class Device { cpu, cuda, auto_select };

/// "cpu", "cuda" or "auto"; nullopt for anything else.
std::optional<Device> device_from_name(std::string_view name);
const char* device_name(Device d);

/// What the CUDA driver says about this machine: `usable` when it loads,
/// initializes and sees a GPU; otherwise `message` is the driver's own
/// error (e.g. "CUDA_ERROR_NO_DEVICE: no CUDA-capable device is detected")
/// or the loader's, when no driver (libcuda.so.1) is installed.
/// Probed once, through dlopen: the library does not link CUDA.
struct CudaProbe {
  bool usable = false;
  std::string message;  ///< GPU 0's name when usable
};
const CudaProbe& probe_cuda();

/// The device `requested` runs on. cpu stays cpu. cuda is cuda when a
/// CUDA backend is installed (accelerator.hpp: a LIVEFORMER_CUDA build
/// carries the real one, the tests install the emulator) and, for the real
/// one, probe_cuda() finds a GPU; otherwise it throws lf::Error (kind
/// unsupported) saying why, with the driver's own message. auto is cuda
/// where cuda would be served, else cpu.
Device resolve_device(Device requested);

}  // namespace lf
