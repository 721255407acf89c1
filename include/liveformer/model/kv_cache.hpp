// KvCache: the keys and values of one sequence's past tokens, per layer.
#pragma once

#include <cstdint>
#include <vector>

#include "liveformer/core/tensor.hpp"
#include "liveformer/model/config.hpp"

namespace lf {

/// Holds K and V for up to `capacity` positions of one sequence, as
/// [capacity, n_kv_heads, head_dim] per layer (token-major, so appending a
/// token writes one contiguous row and attention reads a prefix), in f32 or,
/// to halve the memory and the bytes decode reads, f16 / bf16, or q8_0
/// (34 bytes per 32 values along each head's row, ~0.27x of f32; needs a
/// head_dim that is a multiple of 32). All memory is allocated up front;
/// appending past the capacity is an error.
class KvCache {
 public:
  KvCache() = default;
  KvCache(const ModelConfig& config, std::int64_t capacity, DType dtype = DType::f32);

  /// Bytes a cache of `capacity` positions of `dtype` takes for `config`
  /// (for memory budgets; -1 if it overflows).
  static std::int64_t bytes_for(const ModelConfig& config, std::int64_t capacity, DType dtype = DType::f32);
  DType dtype() const { return dtype_; }

  std::int64_t capacity() const { return capacity_; }
  /// Number of positions filled (the next token's position).
  std::int64_t size() const { return size_; }
  std::int64_t n_layers() const { return static_cast<std::int64_t>(k_.size()); }

  /// Full per-layer buffers, [capacity, Hkv, D].
  const Tensor& keys(std::int64_t layer) const { return k_[static_cast<std::size_t>(layer)]; }
  const Tensor& values(std::int64_t layer) const { return v_[static_cast<std::size_t>(layer)]; }

  /// Forgets positions from `n` on (n <= size()); keeps the memory.
  void truncate(std::int64_t n);
  void clear() { size_ = 0; }
  /// Copies the first `n` positions of `other` (same shape) into this cache:
  /// used to reuse a cached prompt prefix.
  void copy_prefix(const KvCache& other, std::int64_t n);
  /// Marks `n` more positions filled, after the forward pass wrote them.
  void advance(std::int64_t n);
  std::int64_t bytes() const;

 private:
  std::vector<Tensor> k_, v_;
  std::int64_t capacity_ = 0;
  std::int64_t size_ = 0;
  DType dtype_ = DType::f32;
};

}  // namespace lf
