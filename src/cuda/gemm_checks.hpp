// Argument checks shared by both gemm() implementations.
#pragma once

#include <climits>
#include <string>

#include <liveformer/core/error.hpp>

#include "gemm.hpp"

namespace lf::cuda::inline LF_CUDA_FLAVOUR::detail {

inline void check_gemm_args(const void* a, DType a_type, const void* w, DType w_type, const float* out, std::int64_t m,
                            std::int64_t n, std::int64_t k, std::int64_t out_stride) {
  const char* op = "gemm";
  LF_CHECK(a_type == w_type && gemm_supports(w_type), op,
           std::string("activations ") + std::string(dtype_name(a_type)) + " and weights " + std::string(dtype_name(w_type)) +
               ": need both f32, both f16 or both bf16");
  LF_CHECK(m >= 0 && n >= 1 && k >= 1 && m <= INT_MAX && n <= INT_MAX && k <= INT_MAX, op,
           "sizes m " + std::to_string(m) + ", n " + std::to_string(n) + ", k " + std::to_string(k) +
               " must be in [1, 2^31) (m may be 0)");
  LF_CHECK(out_stride == 0 || (out_stride >= n && out_stride <= INT_MAX), op,
           "out_stride " + std::to_string(out_stride) + " must be 0 or in [n = " + std::to_string(n) + ", 2^31)");
  LF_CHECK(a && w && out, op, "null pointer argument");
}

}  // namespace lf::cuda::detail
