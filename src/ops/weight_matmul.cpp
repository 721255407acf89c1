// matmul_weights: argument checks, run-time choice of kernel variant, and
// the split over threads.
#include "liveformer/ops/weight_matmul.hpp"
#include "liveformer/ops/quantize.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "../core/cpu_features.hpp"
#include "checks.hpp"
#include "row_split.hpp"
#include "liveformer/core/convert.hpp"
#include "weight_matmul_kernels.hpp"

namespace lf {
namespace {

constexpr const char* kOp = "matmul_weights";

bool cpu_has_avx2() {
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && detail::cpu_has_f16c();
}

bool cpu_has_avx512() {
  return cpu_has_avx2() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
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

bool weight_type_supported(DType type) {
  // Every type liveformer loads: the read-only block types through
  // matmul_dequantized.
  return type == DType::f32 || type == DType::f16 || type == DType::bf16 || is_quantized(type);
}

namespace {

// One call's work, split by ranges of weight rows.
struct Job {
  const Tensor& x;  // [m, k] rows
  const Tensor& w;
  float* y;
  std::int64_t m, n, k;
  detail::qmm::Kernel kernel;               // f32 / f16 / bf16 weights
  detail::qmm::QuantizedKernel qkernel;     // q8_0 / q4_0 weights
  bool dequantize;                          // other block types: `kernel` is the f32 one
  const std::byte* xq;                      // x as q8_0 rows, for qkernel
  detail::RowSplit split;

  void run(std::int64_t t) const {
    if (qkernel) {
      run_quantized(t);
      return;
    }
    // Panel scratch per thread, and row pointers in groups on the stack:
    // nothing is allocated per call once a thread has run one.
    thread_local std::vector<float> panel;
    const auto panel_size = static_cast<std::size_t>(detail::qmm::panel_floats(k));
    if (!dequantize && panel.size() < panel_size) panel.resize(panel_size);
    const std::int64_t j0 = split.begin(t), j1 = split.begin(t + 1);
    constexpr std::int64_t kChunk = 256;
    const float* rows[kChunk];
    for (std::int64_t i0 = 0; i0 < m; i0 += kChunk) {
      const std::int64_t mc = std::min(kChunk, m - i0);
      for (std::int64_t i = 0; i < mc; ++i) rows[i] = detail::row_pointer(x, i0 + i);
      if (dequantize)
        detail::qmm::matmul_dequantized(kernel, static_cast<int>(w.dtype()), rows, mc, w.bytes(), k, j0, j1,
                                        y + i0 * n, n);
      else
        kernel(rows, mc, w.bytes(), k, j0, j1, y + i0 * n, n, panel.data());
    }
  }

  void run_quantized(std::int64_t t) const {
    const std::int64_t j0 = split.begin(t), j1 = split.begin(t + 1);
    const std::int64_t row_bytes = dtype_bytes(DType::q8_0, k);
    constexpr std::int64_t kChunk = 256;
    const std::byte* rows[kChunk];
    for (std::int64_t i0 = 0; i0 < m; i0 += kChunk) {
      const std::int64_t mc = std::min(kChunk, m - i0);
      for (std::int64_t i = 0; i < mc; ++i) rows[i] = xq + (i0 + i) * row_bytes;
      qkernel(rows, mc, w.bytes(), k, j0, j1, y + i0 * n, n);
    }
  }
};

bool isa_available(KernelIsa isa) {
  static const std::vector<KernelIsa> isas = available_isas();
  return std::find(isas.begin(), isas.end(), isa) != isas.end();
}

void run(const Tensor& x, const Tensor& w, Tensor& out, KernelIsa isa, ThreadPool* pool, int threads) {
  detail::require_f32(kOp, "x", x);
  detail::require_f32_contiguous(kOp, "out", out);
  LF_CHECK(w.defined(), kOp, "w is undefined");
  LF_CHECK(weight_type_supported(w.dtype()), kOp, "w must be f32, f16, bf16 or a block type, got " + w.str());
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
  LF_CHECK(isa_available(isa), kOp,
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
  Job job{x2, w, y, m, n, k, nullptr, nullptr, false, nullptr, 0};
  switch (w.dtype()) {
    case DType::f32: job.kernel = table.f32; break;
    case DType::f16: job.kernel = table.f16; break;
    case DType::bf16: job.kernel = table.bf16; break;
    case DType::q8_0: job.qkernel = table.q8_0; break;
    case DType::q4_0: job.qkernel = table.q4_0; break;
    default:  // read-only block types: dequantized a block of rows at a time
      job.kernel = table.f32;
      job.dequantize = true;
      break;
  }
  if (job.qkernel) {
    // Block weights meet x quantized to q8_0 rows (once per call, by this
    // thread; the tasks only read them), as llama.cpp does: each block's
    // dot product becomes an exact integer sum.
    thread_local std::vector<std::byte> xq;
    const std::int64_t row_bytes = dtype_bytes(DType::q8_0, k);
    if (xq.size() < static_cast<std::size_t>(m * row_bytes)) xq.resize(static_cast<std::size_t>(m * row_bytes));
    for (std::int64_t i = 0; i < m; ++i)
      quantize_row(DType::q8_0, detail::row_pointer(x2, i), xq.data() + i * row_bytes, k);
    job.xq = xq.data();
  }
  // Each task owns a range of weight rows (a multiple of the register
  // tile's width, at least 32) for all rows of x.
  job.split = detail::split_rows(pool, threads, m * n * k, n, detail::qmm::kTileCols, 32);
  job.split.run(pool, [&job](std::int64_t t) { job.run(t); });
}

}  // namespace

void matmul_weights(const Tensor& x, const Tensor& w, Tensor& out, ThreadPool* pool, int threads) {
  run(x, w, out, default_isa(), pool, threads);
}

void matmul_weights(const Tensor& x, const Tensor& w, Tensor& out, KernelIsa isa) {
  run(x, w, out, isa, nullptr, 1);
}

}  // namespace lf
