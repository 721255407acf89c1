// The backend's GEMM, our own interface over cuBLAS (real build) or the
// CPU's lf::matmul / lf::matmul_weights (emulated build: the tests).
//
//   out[m, n] = a[m, k] · w[n, k]ᵀ       (weights stored [out, in], row-major)
//
// out's rows may be out_stride floats apart (>= n), so a product with a
// tile of w's rows fills a column slice of a wider output.
//
// Types: a and w both f32 (cublasSgemm; TF32 tensor cores when allowed), or
// both f16 / both bf16 (cublasGemmEx, f32 accumulation); out is always f32.
#pragma once

#include <cstdint>

#include <liveformer/core/dtype.hpp>

#include "device_memory.hpp"

namespace lf::cuda::inline LF_CUDA_FLAVOUR {

/// A cuBLAS handle bound to one stream, with its own workspace (so that
/// GEMMs can be captured into a CUDA graph). One per context.
class GemmHandle {
 public:
  /// allow_tf32: f32 products may round their inputs to TF32 (10-bit
  /// mantissa) on tensor cores: about 1e-3 relative error, 8x the speed.
  explicit GemmHandle(Stream stream, bool allow_tf32 = true);
  ~GemmHandle();
  GemmHandle(const GemmHandle&) = delete;
  GemmHandle& operator=(const GemmHandle&) = delete;

  void* native() const { return handle_; }  ///< cublasHandle_t (null when emulated)
  bool allow_tf32() const { return allow_tf32_; }

 private:
  void* handle_ = nullptr;
  bool allow_tf32_ = true;
  DeviceBuffer workspace_;
};

/// Queues out = a · wᵀ on the handle's stream; out's row r starts at
/// out + r · out_stride (0: n, contiguous). Throws lf::Error naming "gemm"
/// for unsupported type pairs or sizes, or cuBLAS's message.
void gemm(GemmHandle& handle, const void* a, DType a_type, const void* w, DType w_type, float* out, std::int64_t m,
          std::int64_t n, std::int64_t k, std::int64_t out_stride = 0);

/// Whether gemm() takes weights of this type (with activations of the same type).
constexpr bool gemm_supports(DType type) { return type == DType::f32 || type == DType::f16 || type == DType::bf16; }

}  // namespace lf::cuda
