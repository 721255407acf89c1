#include "liveformer/ops/quantize.hpp"

#include "liveformer/core/convert.hpp"
#include "liveformer/ops/weight_matmul.hpp"
#include "quantize_kernels.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace lf {
namespace {

#if defined(__x86_64__)
// F16C rounds to nearest even, as f32_to_f16 does. Returns how many values
// it wrote (a multiple of 8).
__attribute__((target("avx2,f16c"))) std::int64_t f32_to_f16_f16c(const float* src, std::byte* dst, std::int64_t n) {
  std::int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + 2 * i), _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT));
  return i;
}
#endif

}  // namespace

void quantize_row(DType type, const float* src, std::byte* dst, std::int64_t n) {
#if defined(__x86_64__)
  if (type == DType::q8_0 && default_isa() == KernelIsa::avx512 && n % 32 == 0) {
    detail::round_x_q8_avx512(src, n, dst, nullptr, nullptr);
    return;
  }
  if (type == DType::f16 && default_isa() != KernelIsa::scalar) {  // every SIMD variant implies F16C
    const std::int64_t done = f32_to_f16_f16c(src, dst, n);
    if (done < n) from_f32_row(type, src + done, dst + 2 * done, n - done);
    return;
  }
#endif
  from_f32_row(type, src, dst, n);
}

}  // namespace lf
