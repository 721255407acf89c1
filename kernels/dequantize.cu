// Host launcher of dequantize_kernel (launch.hpp).
#include <cstdint>
#include <string>

#include "dequantize.cuh"

namespace lf::kernels::inline LF_CUDA_FLAVOUR {

void dequantize_to_f16(const void* w, DType type, void* out, std::int64_t n, Stream stream) {
  const char* op = "cuda dequantize";
  LF_CHECK(type == DType::q8_0 || type == DType::q4_0, op,
           "weight dtype " + std::string(dtype_name(type)) + " is not supported (q8_0, q4_0)");
  LF_CHECK(n >= 0 && n % 32 == 0, op, "n must be a non-negative multiple of 32 (whole blocks), got " + std::to_string(n));
  LF_CHECK(w && out, op, "null pointer argument");
  LF_CHECK(reinterpret_cast<std::uintptr_t>(w) % 2 == 0, op, "weights must be 2-byte aligned");
  LF_CHECK(reinterpret_cast<std::uintptr_t>(out) % 16 == 0, op,
           "out must be 16-byte aligned (each block's 32 values are written as 16-byte vectors)");
  if (n == 0) return;
  const long long blocks = n / 32;
  LF_CHECK((blocks + kDequantThreads - 1) / kDequantThreads <= 0x7fffffffLL, op,
           "n = " + std::to_string(n) + " is too large for one launch");
  const bool aligned16 = reinterpret_cast<std::uintptr_t>(w) % 16 == 0;
  const dim3 grid(static_cast<unsigned>((blocks + kDequantThreads - 1) / kDequantThreads)), block(kDequantThreads);
  const auto* bytes = static_cast<const unsigned char*>(w);
  auto* vectors = static_cast<uint4*>(out);
  if (type == DType::q8_0)
    launch(op, dequantize_kernel<false>, grid, block, 0, stream, bytes, vectors, blocks, aligned16);
  else
    launch(op, dequantize_kernel<true>, grid, block, 0, stream, bytes, vectors, blocks, aligned16);
}

}  // namespace lf::kernels
