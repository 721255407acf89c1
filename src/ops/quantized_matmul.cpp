// matmul_quantized: argument checks and run-time choice of kernel variant.
#include "liveformer/ops/quantized_matmul.hpp"

#include <cpuid.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "checks.hpp"
#include "quantized_matmul_kernels.hpp"

namespace lf {
namespace {

constexpr const char* kOp = "matmul_quantized";

// F16C from CPUID leaf 1 (ECX bit 29): clang 14's __builtin_cpu_supports
// does not know the "f16c" feature name.
bool cpu_has_f16c() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  return __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 29)) != 0;
}

bool cpu_has_avx2() {
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && cpu_has_f16c();
}

bool cpu_has_avx512() {
  return cpu_has_avx2() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl");
}

KernelIsa choose_default() {
  const std::vector<KernelIsa> isas = available_isas();
  if (const char* env = std::getenv("LIVEFORMER_ISA"); env && *env) {
    for (KernelIsa isa : isas)
      if (isa_name(isa) == env) return isa;
    // An unknown or unsupported request is not fatal: fall back to the best.
  }
  return isas.back();
}

const detail::qmm::Kernels& kernels_for(KernelIsa isa) {
  switch (isa) {
    case KernelIsa::scalar: return detail::qmm::scalar_kernels();
    case KernelIsa::avx2: return detail::qmm::avx2_kernels();
    case KernelIsa::avx512: return detail::qmm::avx512_kernels();
  }
  throw_error(kOp, "unknown kernel variant");
}

}  // namespace

std::string_view isa_name(KernelIsa isa) {
  switch (isa) {
    case KernelIsa::scalar: return "scalar";
    case KernelIsa::avx2: return "avx2";
    case KernelIsa::avx512: return "avx512";
  }
  return "?";
}

std::vector<KernelIsa> available_isas() {
  __builtin_cpu_init();
  std::vector<KernelIsa> isas{KernelIsa::scalar};
  if (cpu_has_avx2()) isas.push_back(KernelIsa::avx2);
  if (cpu_has_avx512()) isas.push_back(KernelIsa::avx512);
  return isas;
}

KernelIsa default_isa() {
  static const KernelIsa isa = choose_default();
  return isa;
}

void matmul_quantized(const Tensor& x, const Tensor& w, Tensor& out) { matmul_quantized(x, w, out, default_isa()); }

void matmul_quantized(const Tensor& x, const Tensor& w, Tensor& out, KernelIsa isa) {
  detail::require_f32(kOp, "x", x);
  detail::require_f32_contiguous(kOp, "out", out);
  LF_CHECK(w.defined(), kOp, "w is undefined");
  LF_CHECK(w.dtype() == DType::f16 || w.dtype() == DType::bf16 || w.dtype() == DType::q8_0 ||
               w.dtype() == DType::q4_0,
           kOp, "w must be f16, bf16, q8_0 or q4_0, got " + w.str() + (w.dtype() == DType::f32 ? " (use matmul)" : ""));
  detail::require_rank(kOp, "w", w, 2);
  LF_CHECK(w.is_contiguous(), kOp, "w " + w.str() + " must be contiguous");
  LF_CHECK(x.rank() >= 1, kOp, "x must have rank >= 1, got " + x.shape().str());
  const std::int64_t k = x.dim(-1), n = w.dim(0);
  LF_CHECK(w.dim(1) == k, kOp, "inner dimensions differ: x " + x.shape().str() + ", w " + w.str());
  const std::int64_t block = dtype_info(w.dtype()).block_size;
  LF_CHECK(k % block == 0, kOp,
           "K = " + std::to_string(k) + " (w " + w.str() + ") is not a multiple of the " +
               std::string(dtype_name(w.dtype())) + " block size " + std::to_string(block));
  LF_CHECK(x.rank() == 0 || x.stride(-1) == 1 || k <= 1, kOp, "x " + x.shape().str() + " must have a contiguous inner dimension");
  Shape expect = x.shape();
  expect[expect.rank() - 1] = n;
  LF_CHECK(out.shape() == expect, kOp,
           "out must be " + expect.str() + " for x " + x.shape().str() + " and w " + w.str() + ", got " +
               out.shape().str());
  const std::vector<KernelIsa> isas = available_isas();
  LF_CHECK(std::find(isas.begin(), isas.end(), isa) != isas.end(), kOp,
           "this CPU cannot run the " + std::string(isa_name(isa)) + " kernels");
  if (out.numel() == 0) return;
  LF_CHECK(out.bytes() != x.bytes(), kOp, "out must not alias x");

  // Rows of x: rank-2 views may be strided; higher ranks must be contiguous.
  Tensor x2 = x;
  if (x.rank() != 2) {
    LF_CHECK(x.is_contiguous(), kOp, "x " + x.shape().str() + " of rank " + std::to_string(x.rank()) + " must be contiguous");
    x2 = x.reshape({x.shape().rows(), k});
  }
  const std::int64_t m = x2.dim(0);
  float* y = out.data<float>();
  if (k == 0) {
    std::fill(y, y + m * n, 0.0f);
    return;
  }

  const detail::qmm::Kernels& table = kernels_for(isa);
  detail::qmm::Kernel kernel = nullptr;
  switch (w.dtype()) {
    case DType::f16: kernel = table.f16; break;
    case DType::bf16: kernel = table.bf16; break;
    case DType::q8_0: kernel = table.q8_0; break;
    case DType::q4_0: kernel = table.q4_0; break;
    case DType::f32: break;
  }
  // Row pointers in groups, so no allocation happens per call.
  constexpr std::int64_t kChunk = 64;
  const float* rows[kChunk];
  for (std::int64_t i0 = 0; i0 < m; i0 += kChunk) {
    const std::int64_t mc = std::min(kChunk, m - i0);
    for (std::int64_t i = 0; i < mc; ++i) rows[i] = detail::row_pointer(x2, i0 + i);
    kernel(rows, mc, w.bytes(), k, 0, n, y + i0 * n, n);
  }
}

}  // namespace lf
