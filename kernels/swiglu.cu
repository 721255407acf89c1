// Host launchers of silu_kernel and swiglu_kernel (launch.hpp).
#include <string>

#include "swiglu.cuh"

namespace lf::kernels {
namespace {

constexpr unsigned kThreads = 256;
// Enough blocks to fill an H100 (132 SMs x 8 resident blocks of 256) without
// launching one block per 256 elements of a large tensor.
constexpr long long kMaxBlocks = 132 * 8;

dim3 elementwise_grid(std::int64_t n) {
  const long long blocks = (n + kThreads - 1) / kThreads;
  return dim3(static_cast<unsigned>(blocks < kMaxBlocks ? blocks : kMaxBlocks));
}

}  // namespace

void silu(const float* x, float* out, std::int64_t n, Stream stream) {
  const char* op = "cuda silu";
  LF_CHECK(n >= 0, op, "n must be >= 0, got " + std::to_string(n));
  LF_CHECK(x && out, op, "null pointer argument");
  if (n == 0) return;
  launch(op, silu_kernel, elementwise_grid(n), dim3(kThreads), 0, stream, x, out, static_cast<long long>(n));
}

void swiglu(const float* gate, const float* up, float* out, std::int64_t n, Stream stream) {
  const char* op = "cuda swiglu";
  LF_CHECK(n >= 0, op, "n must be >= 0, got " + std::to_string(n));
  LF_CHECK(gate && up && out, op, "null pointer argument");
  if (n == 0) return;
  launch(op, swiglu_kernel, elementwise_grid(n), dim3(kThreads), 0, stream, gate, up, out,
         static_cast<long long>(n));
}

}  // namespace lf::kernels
