#include "liveformer/runtime/device.hpp"

#include <dlfcn.h>

#include "liveformer/core/error.hpp"
#include "liveformer/runtime/accelerator.hpp"

namespace lf {

std::optional<Device> device_from_name(std::string_view name) {
  if (name == "cpu") return Device::cpu;
  if (name == "cuda") return Device::cuda;
  if (name == "auto") return Device::auto_select;
  return std::nullopt;
}

const char* device_name(Device d) {
  switch (d) {
    case Device::cpu: return "cpu";
    case Device::cuda: return "cuda";
    case Device::auto_select: return "auto";
  }
  return "?";
}

namespace {

// The few CUDA driver API entry points the probe needs (cuda.h's
// signatures, with CUresult / CUdevice as the ints they are).
using CuInit = int (*)(unsigned);
using CuDeviceGetCount = int (*)(int*);
using CuDeviceGet = int (*)(int*, int);
using CuDeviceGetName = int (*)(char*, int, int);
using CuGetErrorString = int (*)(int, const char**);
using CuGetErrorName = int (*)(int, const char**);

CudaProbe run_probe() {
  // The driver library is the part a machine without a GPU lacks; it is
  // loaded, never unloaded (the CUDA backend will use it too).
  void* driver = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!driver) {
    const char* why = dlerror();
    return {false, std::string("no CUDA driver: ") + (why ? why : "libcuda.so.1 not found")};
  }
  auto sym = [&](const char* name) { return dlsym(driver, name); };
  const auto init = reinterpret_cast<CuInit>(sym("cuInit"));
  const auto count = reinterpret_cast<CuDeviceGetCount>(sym("cuDeviceGetCount"));
  const auto get = reinterpret_cast<CuDeviceGet>(sym("cuDeviceGet"));
  const auto get_name = reinterpret_cast<CuDeviceGetName>(sym("cuDeviceGetName"));
  const auto error_string = reinterpret_cast<CuGetErrorString>(sym("cuGetErrorString"));
  const auto error_name = reinterpret_cast<CuGetErrorName>(sym("cuGetErrorName"));
  if (!init || !count || !get || !get_name || !error_string || !error_name)
    return {false, "the CUDA driver (libcuda.so.1) lacks the driver API entry points"};
  auto failure = [&](const char* call, int status) {
    const char *name = nullptr, *text = nullptr;
    error_name(status, &name);
    error_string(status, &text);
    return CudaProbe{false, std::string(call) + " failed: " + (name ? name : "CUDA error " + std::to_string(status)) +
                                ": " + (text ? text : "unknown")};
  };
  if (const int s = init(0); s != 0) return failure("cuInit", s);
  int n = 0;
  if (const int s = count(&n); s != 0) return failure("cuDeviceGetCount", s);
  if (n == 0) return {false, "the CUDA driver sees no device"};
  int dev = 0;
  char name[256] = {};
  if (const int s = get(&dev, 0); s != 0) return failure("cuDeviceGet", s);
  if (const int s = get_name(name, sizeof name, dev); s != 0) return failure("cuDeviceGetName", s);
  return {true, name};
}

}  // namespace

const CudaProbe& probe_cuda() {
  static const CudaProbe probe = run_probe();
  return probe;
}

Device resolve_device(Device requested) {
  if (requested == Device::cpu) return Device::cpu;
  const std::optional<AcceleratorBackend> backend = cuda_backend();
  const CudaProbe& probe = probe_cuda();
  if (backend && (!backend->needs_gpu || probe.usable)) return Device::cuda;
  if (requested == Device::auto_select) return Device::cpu;
  // Here either no backend is installed or it needs a GPU and none is usable.
  const std::string why =
      probe.usable ? "found " + probe.message + ", but this build of liveformer has no CUDA backend (build it with -DLIVEFORMER_CUDA=ON)"
                   : "no usable GPU: " + probe.message +
                         (backend ? "" : "; this build of liveformer has no CUDA backend either (-DLIVEFORMER_CUDA=ON)");
  throw_error("device cuda", why + " (use device cpu, or auto to fall back to it)", ErrorKind::unsupported);
}

}  // namespace lf
