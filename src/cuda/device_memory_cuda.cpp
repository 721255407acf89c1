// Device memory and streams on a real GPU (see device_memory.hpp).
#include <utility>

#include "check.hpp"
#include "device_memory.hpp"

namespace lf::cuda::inline LF_CUDA_FLAVOUR {

bool emulated_build() { return false; }

std::string require_device() {
  int count = 0;
  LF_CUDA_CHECK(cudaGetDeviceCount(&count));  // no driver / no GPU: CUDA's message
  if (count == 0) throw_error("cuda", "no CUDA device is visible (CUDA_VISIBLE_DEVICES?)", ErrorKind::unsupported);
  cudaDeviceProp prop{};
  LF_CUDA_CHECK(cudaGetDeviceProperties(&prop, 0));
  return std::string(prop.name) + ", sm_" + std::to_string(prop.major) + std::to_string(prop.minor) + ", " +
         std::to_string(prop.totalGlobalMem >> 20) + " MiB";
}

DeviceBuffer::DeviceBuffer(std::size_t bytes) : bytes_(bytes) {
  if (bytes > 0) LF_CUDA_CHECK(cudaMalloc(&data_, bytes));
}

DeviceBuffer::~DeviceBuffer() {
  if (data_) cudaFree(data_);  // a destructor must not throw; a failed free leaks
}

DeviceBuffer::DeviceBuffer(DeviceBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}

DeviceBuffer& DeviceBuffer::operator=(DeviceBuffer&& other) noexcept {
  if (this != &other) {
    if (data_) cudaFree(data_);
    data_ = std::exchange(other.data_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

DeviceStream::DeviceStream() {
  cudaStream_t s = nullptr;
  LF_CUDA_CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
  stream_ = s;
}

DeviceStream::~DeviceStream() {
  if (stream_) cudaStreamDestroy(stream_);
}

void DeviceStream::synchronize() const { LF_CUDA_CHECK(cudaStreamSynchronize(stream_)); }

void copy_to_device(void* device_dst, const void* host_src, std::size_t bytes, Stream stream) {
  if (bytes) LF_CUDA_CHECK(cudaMemcpyAsync(device_dst, host_src, bytes, cudaMemcpyHostToDevice, stream));
}

void copy_to_host(void* host_dst, const void* device_src, std::size_t bytes, Stream stream) {
  if (bytes) LF_CUDA_CHECK(cudaMemcpyAsync(host_dst, device_src, bytes, cudaMemcpyDeviceToHost, stream));
}

void copy_on_device(void* device_dst, const void* device_src, std::size_t bytes, Stream stream) {
  if (bytes) LF_CUDA_CHECK(cudaMemcpyAsync(device_dst, device_src, bytes, cudaMemcpyDeviceToDevice, stream));
}

void fill_zero(void* device_dst, std::size_t bytes, Stream stream) {
  if (bytes) LF_CUDA_CHECK(cudaMemsetAsync(device_dst, 0, bytes, stream));
}

}  // namespace lf::cuda
