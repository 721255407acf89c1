// Device memory and streams for the CUDA backend, behind a plain C++
// interface so the backend itself compiles with the host compiler.
//
// Two implementations, chosen at build time (src/cuda/CMakeLists.txt):
//  - device_memory_cuda.cpp: cudaMalloc / cudaMemcpyAsync / streams, every
//    call checked (check.hpp: lf::Error with CUDA's message and file:line);
//  - device_memory_emulated.cpp (-DLF_EMULATE_CUDA): host memory and a null
//    stream, for the tests, where the kernels run in the CPU emulator and
//    "device pointers" are host pointers (kernels/launch.hpp).
#pragma once

#include <cstddef>
#include <string>

#include "launch.hpp"

namespace lf::cuda::inline LF_CUDA_FLAVOUR {

using Stream = kernels::Stream;

/// True in the emulated build (kernels on the CPU emulator, host memory).
bool emulated_build();

/// Throws lf::Error (kind unsupported) carrying CUDA's own message when no
/// usable GPU is present (no driver, no device, driver too old), and
/// returns a one-line description of device 0 otherwise ("NVIDIA H100 ...,
/// sm_90, 80 GiB"). The emulated build describes the emulator.
std::string require_device();

/// An owning device allocation (cudaMalloc; 256-byte aligned), movable, freed
/// in the destructor. A zero-byte buffer holds no memory.
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(std::size_t bytes);
  ~DeviceBuffer();
  DeviceBuffer(DeviceBuffer&& other) noexcept;
  DeviceBuffer& operator=(DeviceBuffer&& other) noexcept;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  void* data() const { return data_; }
  std::size_t bytes() const { return bytes_; }
  template <class T>
  T* as() const {
    return static_cast<T*>(data_);
  }

 private:
  void* data_ = nullptr;
  std::size_t bytes_ = 0;
};

/// A CUDA stream of one context (cudaStreamNonBlocking), destroyed with it.
class DeviceStream {
 public:
  DeviceStream();
  ~DeviceStream();
  DeviceStream(const DeviceStream&) = delete;
  DeviceStream& operator=(const DeviceStream&) = delete;

  Stream get() const { return stream_; }
  /// Waits for everything queued on the stream; throws on a failed kernel.
  void synchronize() const;

 private:
  Stream stream_ = nullptr;
};

/// Asynchronous copies on `stream` (host memory should outlive them; with
/// pageable host memory CUDA makes them synchronous anyway).
void copy_to_device(void* device_dst, const void* host_src, std::size_t bytes, Stream stream);
void copy_to_host(void* host_dst, const void* device_src, std::size_t bytes, Stream stream);
void copy_on_device(void* device_dst, const void* device_src, std::size_t bytes, Stream stream);
void fill_zero(void* device_dst, std::size_t bytes, Stream stream);

}  // namespace lf::cuda
