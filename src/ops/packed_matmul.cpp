#include "liveformer/ops/packed_matmul.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "../core/cpu_features.hpp"
#include "checks.hpp"
#include "row_split.hpp"
#include "liveformer/core/convert.hpp"
#include "liveformer/ops/weight_matmul.hpp"
#include "packed_matmul_kernels.hpp"
#include "quantize_kernels.hpp"

namespace lf {
namespace {

constexpr const char* kOp = "matmul_packed";
constexpr std::int64_t kQ8Block = 34;

// fn(i0, i1) over ranges of x's m rows (multiples of `granule` rows), on
// the pool when there are enough of them: preparing x for a prompt of 512
// rows took 2-3% of prefill on the calling thread alone.
template <class Fn>
void for_row_ranges(ThreadPool* pool, int threads, std::int64_t m, std::int64_t k, std::int64_t granule, const Fn& fn) {
  const std::int64_t pieces = (m + granule - 1) / granule;
  const detail::RowSplit split = detail::split_rows(pool, threads, m * k, pieces, 1, 1);
  split.run(pool, [&](std::int64_t t) {
    fn(split.begin(t) * granule, std::min(m, split.begin(t + 1) * granule));
  });
}

// bias[c0 .. c1) added to rows [0, mr) of y (ldy apart) at columns c0 .. c1.
void add_bias(const float* bias, float* y, std::int64_t ldy, std::int64_t mr, std::int64_t c0, std::int64_t c1) {
  if (!bias) return;
  for (std::int64_t i = 0; i < mr; ++i)
    for (std::int64_t c = c0; c < c1; ++c) y[i * ldy + c] += bias[c];
}

// Per-call scratch of the calling thread: x rounded to q8_0 and, per block,
// its correction and scale. Reused across calls (no allocation per token).
struct PreparedX {
  std::vector<std::byte> q8;
  std::vector<std::int32_t> corr;
  std::vector<float> scale;
  std::vector<detail::packed::XRow> rows;

  // offset: what the packed weights carry on top of their value (128 for
  // q8_0 stored as w + 128, 8 for q4_0's nibbles).
  void prepare(const Tensor& x2, std::int64_t m, std::int64_t k, std::int32_t offset, ThreadPool* pool, int threads) {
    const std::int64_t blocks = k / 32, row_bytes = blocks * kQ8Block;
    q8.resize(static_cast<std::size_t>(m * row_bytes));
    corr.resize(static_cast<std::size_t>(m * blocks));
    scale.resize(static_cast<std::size_t>(m * blocks));
    rows.resize(static_cast<std::size_t>(m));
    for_row_ranges(pool, threads, m, k, detail::packed::kMaxRows, [&](std::int64_t i0, std::int64_t i1) {
      for (std::int64_t i = i0; i < i1; ++i) {
        std::byte* dst = q8.data() + i * row_bytes;
        std::int32_t* c = corr.data() + i * blocks;
        // Packed weights exist only on AVX-512 CPUs (PackedWeights::can_pack).
        detail::round_x_q8_avx512(detail::row_pointer(x2, i), k, dst, c, scale.data() + i * blocks);
        for (std::int64_t b = 0; b < blocks; ++b) c[b] *= -offset;
        rows[static_cast<std::size_t>(i)] = {dst, c, scale.data() + i * blocks};
      }
    });
  }
};

}  // namespace

void PackedWeights::Free::operator()(std::byte* p) const { std::free(p); }

bool PackedWeights::can_pack(const Tensor& w) {
  if (!w.defined() || w.rank() != 2 || !w.is_contiguous() || w.dim(0) <= 0 || w.dim(1) <= 0 ||
      default_isa() != KernelIsa::avx512)
    return false;
  switch (w.dtype()) {
    case DType::q8_0:
    case DType::q4_0: return w.dim(1) % 32 == 0;
    case DType::f32:
    case DType::f16: return true;
    // Packed as pairs for vdpbf16ps: needs AVX-512 BF16 and an even K.
    case DType::bf16: return detail::cpu_has_avx512_bf16() && w.dim(1) % 2 == 0;
    default: return false;
  }
}

namespace {

// Float layout: group g holds, for each p, rows 16g..16g+15's values at p
// (zeros past the last row). E: bytes per value.
template <std::size_t E>
void pack_float(const std::byte* w, std::byte* out, std::int64_t rows, std::int64_t cols) {
  constexpr std::int64_t kRows = PackedWeights::kGroupRows;
  const std::int64_t groups = (rows + kRows - 1) / kRows;
  if (rows % kRows != 0) {  // the last group's missing rows read as zeros
    std::byte* last = out + (groups - 1) * cols * kRows * static_cast<std::int64_t>(E);
    std::memset(last, 0, static_cast<std::size_t>(cols * kRows) * E);
  }
  for (std::int64_t row = 0; row < rows; ++row) {
    const std::byte* src = w + row * cols * static_cast<std::int64_t>(E);
    std::byte* dst = out + ((row / kRows) * cols * kRows + row % kRows) * static_cast<std::int64_t>(E);
    for (std::int64_t p = 0; p < cols; ++p) std::memcpy(dst + p * kRows * static_cast<std::int64_t>(E), src + p * static_cast<std::int64_t>(E), E);
  }
}

// bf16: group g holds, for each pair q of K, rows 16g..16g+15's values at
// 2q and 2q + 1 (zeros past the last row). K is even (can_pack).
void pack_bf16_pairs(const std::byte* w, std::byte* out, std::int64_t rows, std::int64_t cols) {
  constexpr std::int64_t kRows = PackedWeights::kGroupRows;
  const std::int64_t groups = (rows + kRows - 1) / kRows;
  if (rows % kRows != 0) std::memset(out + (groups - 1) * cols * kRows * 2, 0, static_cast<std::size_t>(cols * kRows * 2));
  for (std::int64_t row = 0; row < rows; ++row) {
    const std::byte* src = w + row * cols * 2;
    std::byte* dst = out + (row / kRows) * cols * kRows * 2 + (row % kRows) * 4;
    for (std::int64_t q = 0; q < cols / 2; ++q) std::memcpy(dst + q * kRows * 4, src + 4 * q, 4);
  }
}

// x's rows in tiles of kFloatRows rows for the float kernels, each tile
// written by make(rows, mr, tile) at `per_row` values a row into the
// calling thread's `buffer` (reused across calls); tiles are built on the
// pool by ranges.
template <class T, class Make>
const T* build_panels(const Tensor& x2, std::int64_t m, std::int64_t k, std::int64_t per_row, std::vector<T>& buffer,
                      ThreadPool* pool, int threads, const Make& make) {
  buffer.resize(static_cast<std::size_t>(m * per_row));
  T* out = buffer.data();
  for_row_ranges(pool, threads, m, k, detail::packed::kFloatRows, [&](std::int64_t first, std::int64_t last) {
    for (std::int64_t i0 = first; i0 < last; i0 += detail::packed::kFloatRows) {
      const int mr = static_cast<int>(std::min<std::int64_t>(detail::packed::kFloatRows, m - i0));
      const float* rows[detail::packed::kFloatRows];
      for (int i = 0; i < mr; ++i) rows[i] = detail::row_pointer(x2, i0 + i);
      make(rows, mr, out + i0 * per_row);
    }
  });
  return out;
}

// The bf16 kernel's tiles: pairs of x rounded to bf16, one 32-bit word per
// pair per row, interleaved per pair.
const std::uint32_t* bf16_panels(const Tensor& x2, std::int64_t m, std::int64_t k, ThreadPool* pool, int threads) {
  thread_local std::vector<std::uint32_t> panels;
  return build_panels(x2, m, k, k / 2, panels, pool, threads, [k](const float* const* rows, int mr, std::uint32_t* tile) {
    detail::packed::bf16_panel_avx512(rows, mr, k, tile);
  });
}

// The float kernel's tiles: each tile's rows interleaved per element
// (tile base + p * mr + i).
const float* float_panels(const Tensor& x2, std::int64_t m, std::int64_t k, ThreadPool* pool, int threads) {
  if (m == 1) return detail::row_pointer(x2, 0);  // one row: already p-major
  thread_local std::vector<float> panels;
  return build_panels(x2, m, k, k, panels, pool, threads, [k](const float* const* rows, int mr, float* tile) {
    detail::packed::float_panel_avx512(rows, mr, k, tile);
  });
}

void matmul_packed_float(const Tensor& x2, const PackedWeights& w, const float* bias, float* y, ThreadPool* pool,
                         int threads) {
  const std::int64_t m = x2.dim(0), k = w.cols(), n = w.rows(), groups = w.groups(), gb = w.group_bytes();
  // bf16 runs its own kernel on pairs of x rounded to bf16 (vdpbf16ps).
  const bool bf16 = w.type() == DType::bf16;
  const float* panels = bf16 ? nullptr : float_panels(x2, m, k, pool, threads);
  const std::uint32_t* pairs = bf16 ? bf16_panels(x2, m, k, pool, threads) : nullptr;
  const detail::packed::Bf16Kernel bf16_kernel = bf16 ? detail::packed::avx512_bf16_kernel() : nullptr;
  // With more than one tile of x's rows, f16 weights are widened to f32
  // once per cache-sized run of groups and the f32 tile runs on that: the
  // conversion is paid once per run instead of once per tile. (One tile
  // converts each weight once anyway, so it reads them as stored.)
  // Widening is exact: the results are the f16 tile's.
  const bool widen = m > detail::packed::kFloatRows && w.type() == DType::f16;
  const detail::packed::FloatKernel kernel =
      bf16 ? nullptr : detail::packed::avx512_float_kernel(widen ? DType::f32 : w.type());
  const std::int64_t run_gb = widen ? 16 * k * static_cast<std::int64_t>(sizeof(float)) : gb;
  const int last_rows = static_cast<int>(n - (groups - 1) * PackedWeights::kGroupRows);
  // Tasks own runs of group pairs; within a task a run of about 512 KiB
  // (half of L2) meets every tile of x's rows (one row: the whole run).
  const detail::RowSplit split = detail::split_rows(pool, threads, m * n * k, groups, 2, 2);
  const std::int64_t cache_groups = m == 1 ? groups : std::max<std::int64_t>(2, (512 << 10) / run_gb / 2 * 2);
  const std::int64_t step = m == 1 ? detail::packed::kMaxDecodeGroups : 2;
  auto task = [&](std::int64_t t) {
    thread_local std::vector<float> wide;
    const std::int64_t g_end = split.begin(t + 1);
    for (std::int64_t g0 = split.begin(t); g0 < g_end; g0 += cache_groups) {
      const std::int64_t g1 = std::min(g_end, g0 + cache_groups);
      const std::byte* run = w.group(g0);
      if (widen) {
        wide.resize(static_cast<std::size_t>((g1 - g0) * 16 * k));
        to_f32_row(w.type(), run, wide.data(), (g1 - g0) * 16 * k);
        run = reinterpret_cast<const std::byte*>(wide.data());
      }
      for (std::int64_t i0 = 0; i0 < m; i0 += detail::packed::kFloatRows) {
        const int mr = static_cast<int>(std::min<std::int64_t>(detail::packed::kFloatRows, m - i0));
        for (std::int64_t g = g0; g < g1; g += step) {
          const int ng = static_cast<int>(std::min<std::int64_t>(step, g1 - g));
          const int last = g + ng == groups ? last_rows : static_cast<int>(PackedWeights::kGroupRows);
          float* out = y + i0 * n + g * PackedWeights::kGroupRows;
          if (bf16) bf16_kernel(pairs + i0 * (k / 2), mr, run + (g - g0) * run_gb, run_gb, ng, k / 2, out, n, last);
          else kernel(panels + i0 * k, mr, run + (g - g0) * run_gb, run_gb, ng, k, out, n, last);
        }
        add_bias(bias, y + i0 * n, n, mr, g0 * PackedWeights::kGroupRows, std::min(n, g1 * PackedWeights::kGroupRows));
      }
    }
  };
  split.run(pool, task);
}

}  // namespace

PackedWeights PackedWeights::pack(const Tensor& w) {
  LF_CHECK(can_pack(w), "PackedWeights::pack",
           "needs an f32, f16, bf16, q8_0 or q4_0 [N, K] matrix on a CPU with "
           "AVX-512 VNNI (q8_0 / q4_0: K a multiple of 32; bf16: K even and AVX-512 BF16), got " + w.str());
  PackedWeights p;
  p.type_ = w.dtype();
  p.rows_ = w.dim(0);
  p.cols_ = w.dim(1);
  p.bytes_ = static_cast<std::size_t>(p.groups() * p.group_bytes());
  p.data_.reset(static_cast<std::byte*>(std::aligned_alloc(64, (p.bytes_ + 63) / 64 * 64)));
  LF_CHECK(p.data_ != nullptr, "PackedWeights::pack", "out of memory for " + std::to_string(p.bytes_) + " bytes");
  if (p.is_float()) {
    if (p.type_ == DType::f32) pack_float<4>(w.bytes(), p.data_.get(), p.rows_, p.cols_);
    else if (p.type_ == DType::bf16) pack_bf16_pairs(w.bytes(), p.data_.get(), p.rows_, p.cols_);
    else pack_float<2>(w.bytes(), p.data_.get(), p.rows_, p.cols_);
    return p;
  }
  const bool q8 = p.type_ == DType::q8_0;
  const std::int64_t src_block = q8 ? kQ8Block : 18, blocks = p.cols_ / 32, row_bytes = blocks * src_block;
  const std::int64_t block_bytes = PackedWeights::block_bytes(p.type_);
  // Rows past the last one (a short last group) are zero: scale 0, and
  // quants that stand for 0 (128 for q8_0, nibbles 8 for q4_0).
  const std::byte zero_quant = q8 ? std::byte{0x80} : std::byte{0x88};
  for (std::int64_t g = 0; g < p.groups(); ++g) {
    std::byte* out = p.data_.get() + g * p.group_bytes();
    for (std::int64_t b = 0; b < blocks; ++b, out += block_bytes) {
      for (std::int64_t r = 0; r < kGroupRows; ++r) {
        const std::int64_t row = g * kGroupRows + r;
        if (row >= p.rows_) {
          std::memset(out + 2 * r, 0, 2);
          for (int s = 0; s < (q8 ? 8 : 4); ++s) std::memset(out + 32 + 64 * s + 4 * r, std::to_integer<int>(zero_quant), 4);
          continue;
        }
        const std::byte* src = w.bytes() + row * row_bytes + b * src_block;
        std::memcpy(out + 2 * r, src, 2);  // f16 scale
        // Step s holds 4 bytes per row: q8_0 elements 4s..4s+3 (+ 128);
        // q4_0 the stored bytes 4s..4s+3 (nibbles of 4s.. low, 16+4s.. high).
        for (int s = 0; s < (q8 ? 8 : 4); ++s)
          for (int t = 0; t < 4; ++t)
            out[32 + 64 * s + 4 * r + t] = q8 ? src[2 + 4 * s + t] ^ std::byte{0x80} : src[2 + 4 * s + t];
      }
    }
  }
  return p;
}

void matmul_packed(const Tensor& x, const PackedWeights& w, Tensor& out, ThreadPool* pool, int threads) {
  matmul_packed(x, w, Tensor(), out, pool, threads);
}

void matmul_packed(const Tensor& x, const PackedWeights& w, const Tensor& bias, Tensor& out, ThreadPool* pool,
                   int threads) {
  detail::require_f32(kOp, "x", x);
  detail::require_f32_contiguous(kOp, "out", out);
  LF_CHECK(x.rank() >= 1, kOp, "x must have rank >= 1, got " + x.shape().str());
  const std::int64_t k = w.cols(), n = w.rows();
  LF_CHECK(x.dim(-1) == k, kOp, "inner dimensions differ: x " + x.shape().str() + ", packed w [" +
                                    std::to_string(n) + ", " + std::to_string(k) + "]");
  Shape expect = x.shape();
  expect[expect.rank() - 1] = n;
  LF_CHECK(out.shape() == expect, kOp, "out must be " + expect.str() + ", got " + out.shape().str());
  LF_CHECK(x.stride(-1) == 1, kOp, "x " + x.shape().str() + " must have a contiguous inner dimension");
  if (bias.defined()) detail::require_vector(kOp, "bias", bias, n);
  if (out.numel() == 0) return;
  LF_CHECK(out.bytes() != x.bytes(), kOp, "out must not alias x");
  const float* b = bias.defined() ? bias.data<float>() : nullptr;
  Tensor x2 = x;
  if (x.rank() != 2) {
    LF_CHECK(x.is_contiguous(), kOp, "x " + x.shape().str() + " must be contiguous");
    x2 = x.reshape({x.shape().rows(), k});
  }
  if (w.is_float()) {
    matmul_packed_float(x2, w, b, out.data<float>(), pool, threads);
    return;
  }
  const std::int64_t m = x2.dim(0), blocks = k / 32;
  thread_local PreparedX prepared;
  prepared.prepare(x2, m, k, w.type() == DType::q8_0 ? 128 : 8, pool, threads);
  float* y = out.data<float>();
  const detail::packed::Kernel kernel = detail::packed::avx512_kernel(w.type());

  // Tasks own runs of row groups (split as matmul_weights splits rows).
  // Within a task, a cache-sized run of groups meets every row of x,
  // kMaxRows at a time. A short last group writes to scratch first: the
  // kernel always stores 16 outputs per row.
  const std::int64_t groups = w.groups(), full_groups = n / PackedWeights::kGroupRows;
  const detail::RowSplit split = detail::split_rows(pool, threads, m * n * k, groups, 1, 1);
  const std::int64_t cache_groups = std::max<std::int64_t>(1, (256 << 10) / w.group_bytes());
  const detail::packed::XRow* rows = prepared.rows.data();
  const std::int64_t tail = n - full_groups * PackedWeights::kGroupRows;  // rows in a short last group
  auto task = [&](std::int64_t t) {
    const std::int64_t g_end = split.begin(t + 1);
    for (std::int64_t g0 = split.begin(t); g0 < g_end; g0 += cache_groups) {
      const std::int64_t g1 = std::min(g_end, g0 + cache_groups);
      for (std::int64_t i = 0; i < m; i += detail::packed::kMaxRows) {
        const int mr = static_cast<int>(std::min<std::int64_t>(detail::packed::kMaxRows, m - i));
        for (std::int64_t g = g0; g < g1; ++g) {
          float* dst = y + i * n + g * PackedWeights::kGroupRows;
          if (g < full_groups) {
            kernel(rows + i, mr, w.group(g), blocks, dst, n);
            continue;
          }
          float scratch[detail::packed::kMaxRows * PackedWeights::kGroupRows];
          kernel(rows + i, mr, w.group(g), blocks, scratch, PackedWeights::kGroupRows);
          for (int r = 0; r < mr; ++r) std::copy_n(scratch + r * PackedWeights::kGroupRows, tail, dst + r * n);
        }
        add_bias(b, y + i * n, n, mr, g0 * PackedWeights::kGroupRows, std::min(n, g1 * PackedWeights::kGroupRows));
      }
    }
  };
  split.run(pool, task);
}

}  // namespace lf
