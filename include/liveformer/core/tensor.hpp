// lf::Tensor: a typed, strided view of memory that may or may not own it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <type_traits>

#include "liveformer/core/dtype.hpp"
#include "liveformer/core/error.hpp"
#include "liveformer/core/shape.hpp"

namespace lf {

inline constexpr std::size_t kTensorAlignment = 64;

/// A tensor is a dtype, a shape, strides (in elements) and a pointer into a
/// storage block. Copies are cheap and share the storage: a Tensor is a
/// handle, like a std::shared_ptr. Owning tensors (Tensor::empty / zeros)
/// allocate 64-byte aligned storage; Tensor::wrap views external memory
/// (an mmapped file, a caller's buffer) and may hold a keep-alive handle.
///
/// Quantized dtypes are stored in blocks along the innermost dimension, so
/// for them the innermost stride must be 1 and every offset and row stride a
/// multiple of the block size.
class Tensor {
 public:
  Tensor() = default;

  /// Owning, uninitialised, contiguous.
  static Tensor empty(const Shape& shape, DType dtype = DType::f32);
  /// Owning, zero-filled, contiguous.
  static Tensor zeros(const Shape& shape, DType dtype = DType::f32);
  /// Non-owning contiguous view of `data`. `keep_alive`, if given, is held for
  /// as long as any view of this tensor exists.
  static Tensor wrap(void* data, const Shape& shape, DType dtype = DType::f32,
                     std::shared_ptr<const void> keep_alive = {});
  /// Owning copy of `values` with the given shape (f32).
  static Tensor from(std::span<const float> values, const Shape& shape);

  bool defined() const { return base_ != nullptr || shape_.numel() == 0; }
  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int rank() const { return shape_.rank(); }
  /// Size of dimension `i`; negative `i` counts from the end.
  std::int64_t dim(int i) const { return shape_[axis(i)]; }
  std::int64_t stride(int i) const { return strides_[static_cast<std::size_t>(axis(i))]; }
  std::int64_t numel() const { return shape_.numel(); }
  bool is_contiguous() const;
  /// Bytes covered by a contiguous tensor's elements.
  std::int64_t nbytes() const { return dtype_bytes(dtype_, numel()); }

  /// Pointer to the first element. T must match the dtype: float for f32,
  /// std::uint16_t for f16 / bf16.
  template <class T>
  T* data() const {
    if constexpr (std::is_same_v<std::remove_const_t<T>, float>) {
      LF_CHECK(dtype_ == DType::f32, "Tensor::data", "tensor is " + std::string(dtype_name(dtype_)) + ", not f32");
    } else if constexpr (std::is_same_v<std::remove_const_t<T>, std::uint16_t>) {
      LF_CHECK(dtype_ == DType::f16 || dtype_ == DType::bf16, "Tensor::data",
            "tensor is " + std::string(dtype_name(dtype_)) + ", not f16/bf16");
    } else {
      static_assert(sizeof(T) == 0, "use bytes() for this element type");
    }
    return reinterpret_cast<T*>(bytes());
  }
  /// Pointer to the first element's bytes, for any dtype.
  std::byte* bytes() const { return base_ + dtype_bytes(dtype_, offset_); }

  // ---- views: share storage, never copy ----
  /// Same elements, new shape. Requires a contiguous tensor.
  Tensor reshape(const Shape& shape) const;
  /// Elements [start, start + length) of dimension `dim`.
  Tensor slice(int dim, std::int64_t start, std::int64_t length) const;
  /// Index `index` of dimension `dim`; the result has one dimension fewer.
  Tensor select(int dim, std::int64_t index) const;
  /// Swaps two dimensions (the result is generally not contiguous).
  Tensor transpose(int a, int b) const;
  /// Expands dimensions of size 1 (and missing leading ones) to `shape`
  /// with stride 0, numpy-style.
  Tensor broadcast_to(const Shape& shape) const;

  // ---- copies ----
  /// Owning contiguous copy.
  Tensor clone() const;
  /// `*this` if already contiguous, else clone().
  Tensor contiguous() const { return is_contiguous() ? *this : clone(); }
  /// Owning f32 copy (dequantizes / widens any dtype).
  Tensor to_f32() const;
  /// Copies `src` (same shape and dtype, any strides) into this tensor.
  void copy_from(const Tensor& src);

  std::string str() const { return std::string(dtype_name(dtype_)) + shape_.str(); }

 private:
  int axis(int i) const;

  std::shared_ptr<const void> owner_;
  std::byte* base_ = nullptr;
  std::int64_t offset_ = 0;  // in elements from base_
  Shape shape_;
  std::array<std::int64_t, kMaxDims> strides_{};
  DType dtype_ = DType::f32;
};

}  // namespace lf
