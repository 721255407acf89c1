// Device memory and streams for the emulated build (see device_memory.hpp):
// "device" memory is 256-byte aligned host memory, the stream is null and
// every copy happens at once, because the emulated kernels have already run
// to completion when their launcher returns.
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

#include <liveformer/core/error.hpp>

#include "device_memory.hpp"

namespace lf::cuda::inline LF_CUDA_FLAVOUR {

namespace {
constexpr std::size_t kAlignment = 256;  // what cudaMalloc guarantees
}

bool emulated_build() { return true; }

std::string require_device() { return "CPU kernel emulator (tests only)"; }

DeviceBuffer::DeviceBuffer(std::size_t bytes) : bytes_(bytes) {
  if (bytes == 0) return;
  data_ = std::aligned_alloc(kAlignment, (bytes + kAlignment - 1) / kAlignment * kAlignment);
  if (!data_) throw_error("cuda", "emulated device allocation of " + std::to_string(bytes) + " bytes failed");
  // Fresh device memory holds garbage: NaN bytes make reading it before
  // writing it show up in the tests.
  std::memset(data_, 0xFF, bytes);
}

DeviceBuffer::~DeviceBuffer() { std::free(data_); }

DeviceBuffer::DeviceBuffer(DeviceBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}

DeviceBuffer& DeviceBuffer::operator=(DeviceBuffer&& other) noexcept {
  if (this != &other) {
    std::free(data_);
    data_ = std::exchange(other.data_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

DeviceStream::DeviceStream() = default;
DeviceStream::~DeviceStream() = default;
void DeviceStream::synchronize() const {}

void copy_to_device(void* device_dst, const void* host_src, std::size_t bytes, Stream) {
  if (bytes) std::memcpy(device_dst, host_src, bytes);
}

void copy_to_host(void* host_dst, const void* device_src, std::size_t bytes, Stream) {
  if (bytes) std::memcpy(host_dst, device_src, bytes);
}

void copy_on_device(void* device_dst, const void* device_src, std::size_t bytes, Stream) {
  if (bytes) std::memmove(device_dst, device_src, bytes);
}

void fill_zero(void* device_dst, std::size_t bytes, Stream) {
  if (bytes) std::memset(device_dst, 0, bytes);
}

}  // namespace lf::cuda
