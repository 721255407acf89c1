// Host launcher of the matvec kernels (launch.hpp).
#include <climits>
#include <cstdint>
#include <string>

#include "matvec.cuh"

namespace lf::kernels::inline LF_CUDA_FLAVOUR {
namespace {

template <int kRows>
void launch_rows(const char* op, DType type, const void* w, const float* x, float* out, int n_out, int k,
                 Stream stream) {
  const dim3 grid(static_cast<unsigned>((n_out + kMatvecWarps - 1) / kMatvecWarps)), block(32 * kMatvecWarps);
  const auto* half_w = static_cast<const unsigned short*>(w);
  const auto* quant_w = static_cast<const unsigned char*>(w);
  switch (type) {
    case DType::f16:
      return launch(op, matvec_half_kernel<kRows, false>, grid, block, 0, stream, half_w, x, out, n_out, k);
    case DType::bf16:
      return launch(op, matvec_half_kernel<kRows, true>, grid, block, 0, stream, half_w, x, out, n_out, k);
    case DType::q8_0:
      return launch(op, matvec_quant_kernel<kRows, false>, grid, block, 0, stream, quant_w, x, out, n_out, k);
    case DType::q4_0:
      return launch(op, matvec_quant_kernel<kRows, true>, grid, block, 0, stream, quant_w, x, out, n_out, k);
    default:
      throw_error(op, "weight dtype " + std::string(dtype_name(type)) + " is not supported (f16, bf16, q8_0, q4_0)");
  }
}

}  // namespace

void matvec(const void* w, DType type, const float* x, float* out, std::int64_t rows, std::int64_t n_out,
            std::int64_t k, Stream stream) {
  const char* op = "cuda matvec";
  LF_CHECK(rows >= 0 && n_out >= 1 && n_out <= INT_MAX && k >= 1 && k <= INT_MAX, op,
           "need rows >= 0 and n_out, k in [1, 2^31), got rows " + std::to_string(rows) + ", n_out " +
               std::to_string(n_out) + ", k " + std::to_string(k));
  LF_CHECK(w && x && out, op, "null pointer argument");
  const bool quant = type == DType::q8_0 || type == DType::q4_0;
  LF_CHECK(!quant || k % 32 == 0, op, "k must be a multiple of 32 for " + std::string(dtype_name(type)) +
                                          ", got " + std::to_string(k));
  LF_CHECK(reinterpret_cast<std::uintptr_t>(w) % 2 == 0, op, "weights must be 2-byte aligned");
  const bool vector_x = quant || k % 8 == 0;
  LF_CHECK(!vector_x || reinterpret_cast<std::uintptr_t>(x) % 16 == 0, op,
           "x must be 16-byte aligned (it is read as float4)");
  LF_CHECK(quant || k % 8 != 0 || reinterpret_cast<std::uintptr_t>(w) % 16 == 0, op,
           "f16/bf16 weights must be 16-byte aligned (rows are read as 16-byte vectors)");
  // Rows of x in chunks of up to kMatvecMaxRows share one read of the weights.
  for (std::int64_t r = 0; r < rows; r += kMatvecMaxRows) {
    const std::int64_t chunk = rows - r < kMatvecMaxRows ? rows - r : kMatvecMaxRows;
    const float* xr = x + r * k;
    float* outr = out + r * n_out;
    const int n = static_cast<int>(n_out), kk = static_cast<int>(k);
    switch (chunk) {
      case 1: launch_rows<1>(op, type, w, xr, outr, n, kk, stream); break;
      case 2: launch_rows<2>(op, type, w, xr, outr, n, kk, stream); break;
      case 3: launch_rows<3>(op, type, w, xr, outr, n, kk, stream); break;
      default: launch_rows<4>(op, type, w, xr, outr, n, kk, stream); break;
    }
  }
}

}  // namespace lf::kernels
