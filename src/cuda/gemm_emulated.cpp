// gemm() for the emulated build (see gemm.hpp): the CPU's own products on
// the host pointers that stand for device memory. f32 goes through
// lf::matmul (no TF32 rounding, so the emulated backend matches the CPU
// closely); f16/bf16 through lf::matmul_weights after widening a to f32,
// which is what f32 accumulation of f16 products computes.
#include <algorithm>

#include <liveformer/ops/matmul.hpp>
#include <liveformer/ops/weight_matmul.hpp>

#include "gemm.hpp"
#include "gemm_checks.hpp"

namespace lf::cuda::inline LF_CUDA_FLAVOUR {

GemmHandle::GemmHandle(Stream, bool allow_tf32) : allow_tf32_(allow_tf32) {}
GemmHandle::~GemmHandle() = default;

void gemm(GemmHandle&, const void* a, DType a_type, const void* w, DType w_type, float* out, std::int64_t m,
          std::int64_t n, std::int64_t k, std::int64_t out_stride) {
  detail::check_gemm_args(a, a_type, w, w_type, out, m, n, k, out_stride);
  if (m == 0) return;
  const Tensor a_view = Tensor::wrap(const_cast<void*>(a), {m, k}, a_type);
  const Tensor w_view = Tensor::wrap(const_cast<void*>(w), {n, k}, w_type);
  // A strided output is computed contiguously, then copied row by row.
  const bool strided = out_stride != 0 && out_stride != n;
  Tensor product = strided ? Tensor::empty({m, n}) : Tensor::wrap(out, {m, n});
  if (w_type == DType::f32)
    matmul(a_view, w_view, product);
  else
    matmul_weights(a_view.to_f32(), w_view, product);
  if (strided)
    for (std::int64_t r = 0; r < m; ++r)
      std::copy_n(product.data<float>() + r * n, n, out + r * out_stride);
}

}  // namespace lf::cuda
