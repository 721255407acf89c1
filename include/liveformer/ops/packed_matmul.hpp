// x · wᵀ for weights rearranged once, at load, for AVX-512.
//
// q8_0 / q4_0 (AVX-512 VNNI). matmul_weights reads a q8_0 matrix as stored
// (GGUF: each row a run of 34-byte blocks), so one VNNI instruction can only
// cover one row's 32 bytes and every block needs its own conversion and
// scaling. Packed, 16 rows are interleaved per 32-block: their 16 f16
// scales, then the block's bytes in 8 steps of [16 rows x 4 bytes], stored
// as w + 128 (VNNI wants unsigned weights). One 64-byte load then feeds one
// dpbusd that advances 16 output rows by 4 products each against a
// broadcast of 4 bytes of x, and the matrix is read as one sequential
// stream. q4_0 is packed the same way with 4 steps of [16 rows x 4 bytes],
// each byte holding the nibbles of elements j (low) and j + 16 (high) as
// stored (w + 8). A last group short of 16 rows is padded with zero rows.
// x is rounded to q8_0 blocks as in matmul_weights, so each block is still
// an exact integer dot.
//
// f32 / f16 (AVX-512 F). 16 rows are interleaved per element: for
// each p of K, the 16 rows' values at p, in the stored type (a last group
// short of 16 rows is padded with zeros). Prefill then runs an
// outer-product tile (a vector of 16 rows' weights meets broadcasts of up
// to 12 rows of x: bound by the FMA units, not the caches), and decode
// reads each group as one sequential stream. Per output element the sum
// runs over p in order in one f32 lane, so the values differ from
// matmul_weights' (which sums 16-lane partial sums) by f32 rounding.
//
// bf16 (AVX-512 BF16, K even). 16 rows are interleaved per pair of
// elements (w[r][2q], w[r][2q + 1]), and x is rounded to bf16 pairs (as
// llama.cpp does for bf16 weights), so one vdpbf16ps adds two exact
// products to each of 16 outputs: twice the f32 FMA rate in prefill. The
// result is x rounded to bf16 (nearest even, subnormals flushed) times w,
// summed in f32 pair by pair: it differs from matmul_weights' (f32 x) by
// about bf16's step (2^-9 relative) in each term, like the weights' own
// rounding.
//
// Batch-invariant like matmul_weights: an output element is the same
// sequence of f32 operations for any number of rows or threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "liveformer/core/tensor.hpp"
#include "liveformer/core/thread_pool.hpp"

namespace lf {

class PackedWeights {
 public:
  /// Rows interleaved per group.
  static constexpr std::int64_t kGroupRows = 16;

  /// Whether `w` can be packed and this CPU runs the packed kernel: rank
  /// 2, contiguous, at least one row and one column; f32, f16, bf16, q8_0 or
  /// q4_0 (K is a multiple of 32 for any q8_0 / q4_0 matrix, even for bf16,
  /// which also needs AVX-512 BF16); AVX-512 F/BW/VL/VNNI, and
  /// LIVEFORMER_ISA not forcing an older kernel variant.
  static bool can_pack(const Tensor& w);

  /// The packed copy of w; throws lf::Error when !can_pack(w).
  static PackedWeights pack(const Tensor& w);

  DType type() const { return type_; }
  std::int64_t rows() const { return rows_; }
  std::int64_t cols() const { return cols_; }
  std::size_t bytes() const { return bytes_; }
  /// Whether the layout is the float one (f32 / f16 / bf16).
  bool is_float() const { return !is_quantized(type_); }
  /// Row groups (a last one short of 16 rows is padded with zero rows).
  std::int64_t groups() const { return (rows_ + kGroupRows - 1) / kGroupRows; }
  /// Group g: for q8_0 / q4_0, (cols / 32) runs of 16 f16 scales + 16 rows'
  /// quants; for float types, cols runs of 16 rows' values.
  const std::byte* group(std::int64_t g) const { return data_.get() + g * group_bytes(); }
  std::int64_t group_bytes() const {
    return is_float() ? dtype_bytes(type_, cols_ * kGroupRows) : cols_ / 32 * block_bytes(type_);
  }
  /// Bytes of one packed q8_0 / q4_0 block of 16 rows: 16 x the stored block.
  static constexpr std::int64_t block_bytes(DType t) { return t == DType::q8_0 ? 16 * 34 : 16 * 18; }

 private:
  struct Free {
    void operator()(std::byte* p) const;
  };
  std::unique_ptr<std::byte[], Free> data_;
  std::size_t bytes_ = 0;
  DType type_ = DType::q8_0;
  std::int64_t rows_ = 0, cols_ = 0;
};

/// out = x · wᵀ as matmul_weights(x, stored w, out) computes it, within
/// f32 rounding (bf16: with x rounded to bf16, above). x: f32 [..., K] (rows as in matmul_weights); out: f32
/// [..., N] contiguous. pool/threads split the row groups.
void matmul_packed(const Tensor& x, const PackedWeights& w, Tensor& out, ThreadPool* pool = nullptr, int threads = 0);

/// As above plus bias (f32 [N], or undefined for none) on every row, added
/// by the task that wrote each block of out while it is in cache (what
/// linear() runs for packed weights).
void matmul_packed(const Tensor& x, const PackedWeights& w, const Tensor& bias, Tensor& out, ThreadPool* pool = nullptr,
                   int threads = 0);

}  // namespace lf
