#include "liveformer/core/tensor.hpp"

#include <cstdlib>
#include <cstring>
#include <new>

#include "liveformer/core/convert.hpp"

namespace lf {

namespace {

std::array<std::int64_t, kMaxDims> contiguous_strides(const Shape& shape) {
  std::array<std::int64_t, kMaxDims> s{};
  std::int64_t step = 1;
  for (int i = shape.rank() - 1; i >= 0; --i) {
    s[static_cast<std::size_t>(i)] = step;
    step *= shape[i];
  }
  return s;
}

void check_block_shape(const Shape& shape, DType dtype, const char* where) {
  if (!is_quantized(dtype)) return;
  const std::int64_t bs = dtype_info(dtype).block_size;
  LF_CHECK(shape.rank() > 0 && shape.back() % bs == 0, where,
        std::string(dtype_name(dtype)) + " needs the innermost dimension to be a multiple of " +
            std::to_string(bs) + ", got " + shape.str());
}

}  // namespace

Tensor Tensor::empty(const Shape& shape, DType dtype) {
  check_block_shape(shape, dtype, "Tensor::empty");
  const std::int64_t bytes = dtype_bytes(dtype, shape.numel());
  // Round up so the size is a multiple of the alignment (aligned_alloc's rule)
  // and never zero, so every owning tensor has a real pointer.
  const std::size_t size = (static_cast<std::size_t>(bytes) + kTensorAlignment - 1) / kTensorAlignment *
                               kTensorAlignment + kTensorAlignment;
  void* p = std::aligned_alloc(kTensorAlignment, size);
  if (!p) throw Error("Tensor::empty: cannot allocate " + std::to_string(bytes) + " bytes for " + shape.str());
  Tensor t;
  t.owner_ = std::shared_ptr<void>(p, [](void* q) { std::free(q); });
  t.base_ = static_cast<std::byte*>(p);
  t.shape_ = shape;
  t.strides_ = contiguous_strides(shape);
  t.dtype_ = dtype;
  return t;
}

Tensor Tensor::zeros(const Shape& shape, DType dtype) {
  Tensor t = empty(shape, dtype);
  std::memset(t.base_, 0, static_cast<std::size_t>(t.nbytes()));
  return t;
}

Tensor Tensor::wrap(void* data, const Shape& shape, DType dtype, std::shared_ptr<const void> keep_alive) {
  LF_CHECK(data != nullptr || shape.numel() == 0, "Tensor::wrap", "null data for " + shape.str());
  check_block_shape(shape, dtype, "Tensor::wrap");
  Tensor t;
  t.owner_ = std::move(keep_alive);
  t.base_ = static_cast<std::byte*>(data);
  t.shape_ = shape;
  t.strides_ = contiguous_strides(shape);
  t.dtype_ = dtype;
  return t;
}

Tensor Tensor::from(std::span<const float> values, const Shape& shape) {
  LF_CHECK(static_cast<std::int64_t>(values.size()) == shape.numel(), "Tensor::from",
        std::to_string(values.size()) + " values for shape " + shape.str());
  Tensor t = empty(shape, DType::f32);
  if (!values.empty()) std::memcpy(t.base_, values.data(), values.size() * sizeof(float));
  return t;
}

int Tensor::axis(int i) const {
  const int r = shape_.rank();
  LF_CHECK(i >= -r && i < r, "Tensor", "dimension " + std::to_string(i) + " out of range for " + shape_.str());
  return i < 0 ? i + r : i;
}

bool Tensor::is_contiguous() const {
  std::int64_t step = 1;
  for (int i = shape_.rank() - 1; i >= 0; --i) {
    if (shape_[i] != 1 && strides_[static_cast<std::size_t>(i)] != step) return false;
    step *= shape_[i];
  }
  return true;
}

Tensor Tensor::reshape(const Shape& shape) const {
  LF_CHECK(is_contiguous(), "Tensor::reshape", "needs a contiguous tensor, got a strided view of " + shape_.str());
  LF_CHECK(shape.numel() == numel(), "Tensor::reshape", "cannot reshape " + shape_.str() + " to " + shape.str());
  check_block_shape(shape, dtype_, "Tensor::reshape");
  Tensor t = *this;
  t.shape_ = shape;
  t.strides_ = contiguous_strides(shape);
  return t;
}

Tensor Tensor::slice(int d, std::int64_t start, std::int64_t length) const {
  const int a = axis(d);
  LF_CHECK(start >= 0 && length >= 0 && start <= shape_[a] - length, "Tensor::slice",
        "range [" + std::to_string(start) + ", " + std::to_string(start + length) + ") out of bounds for dimension " +
            std::to_string(a) + " of " + shape_.str());
  if (is_quantized(dtype_) && a == rank() - 1) {
    const std::int64_t bs = dtype_info(dtype_).block_size;
    LF_CHECK(start % bs == 0 && length % bs == 0, "Tensor::slice",
          "slices of " + std::string(dtype_name(dtype_)) + " rows must be block-aligned");
  }
  Tensor t = *this;
  t.offset_ += start * strides_[static_cast<std::size_t>(a)];
  t.shape_[a] = length;
  return t;
}

Tensor Tensor::select(int d, std::int64_t index) const {
  const int a = axis(d);
  LF_CHECK(index >= 0 && index < shape_[a], "Tensor::select",
        "index " + std::to_string(index) + " out of bounds for dimension " + std::to_string(a) + " of " + shape_.str());
  LF_CHECK(!(is_quantized(dtype_) && a == rank() - 1), "Tensor::select", "cannot select inside a quantized row");
  Tensor t = *this;
  t.offset_ += index * strides_[static_cast<std::size_t>(a)];
  Shape s;
  std::array<std::int64_t, kMaxDims> st{};
  for (int i = 0, j = 0; i < rank(); ++i) {
    if (i == a) continue;
    s.push_back(shape_[i]);
    st[static_cast<std::size_t>(j++)] = strides_[static_cast<std::size_t>(i)];
  }
  t.shape_ = s;
  t.strides_ = st;
  return t;
}

Tensor Tensor::transpose(int a, int b) const {
  const int x = axis(a), y = axis(b);
  LF_CHECK(!is_quantized(dtype_) || (x != rank() - 1 && y != rank() - 1), "Tensor::transpose",
        "cannot move the blocked innermost dimension of a " + std::string(dtype_name(dtype_)) + " tensor");
  Tensor t = *this;
  std::swap(t.shape_[x], t.shape_[y]);
  std::swap(t.strides_[static_cast<std::size_t>(x)], t.strides_[static_cast<std::size_t>(y)]);
  return t;
}

Tensor Tensor::broadcast_to(const Shape& shape) const {
  LF_CHECK(shape.rank() >= rank(), "Tensor::broadcast_to", "cannot broadcast " + shape_.str() + " to " + shape.str());
  LF_CHECK(!is_quantized(dtype_), "Tensor::broadcast_to", "quantized tensors cannot be broadcast");
  Tensor t = *this;
  t.shape_ = shape;
  const int lead = shape.rank() - rank();
  for (int i = 0; i < shape.rank(); ++i) {
    std::int64_t stride = 0;
    if (i >= lead) {
      const std::int64_t own = shape_[i - lead];
      LF_CHECK(own == shape[i] || own == 1, "Tensor::broadcast_to",
            "cannot broadcast " + shape_.str() + " to " + shape.str());
      stride = own == 1 ? 0 : strides_[static_cast<std::size_t>(i - lead)];
    }
    t.strides_[static_cast<std::size_t>(i)] = stride;
  }
  return t;
}

namespace {

// Calls fn(dst_elem_offset, src_elem_offset) for each innermost row, walking
// up to four dimensions with arbitrary strides.
template <class Fn>
void for_each_row(const Shape& shape, const std::array<std::int64_t, kMaxDims>& src_strides, Fn&& fn) {
  Shape s = shape;
  std::array<std::int64_t, kMaxDims> ss = src_strides;
  // Left-pad to rank 4 so the loops are fixed.
  while (s.rank() < kMaxDims) {
    Shape p{1};
    for (int i = 0; i < s.rank(); ++i) p.push_back(s[i]);
    for (int i = kMaxDims - 1; i > 0; --i) ss[static_cast<std::size_t>(i)] = ss[static_cast<std::size_t>(i - 1)];
    ss[0] = 0;
    s = p;
  }
  const std::int64_t inner = s[3];
  std::int64_t dst = 0;
  for (std::int64_t a = 0; a < s[0]; ++a)
    for (std::int64_t b = 0; b < s[1]; ++b)
      for (std::int64_t c = 0; c < s[2]; ++c, dst += inner) fn(dst, a * ss[0] + b * ss[1] + c * ss[2]);
}

}  // namespace

Tensor Tensor::clone() const {
  Tensor t = empty(shape_, dtype_);
  t.copy_from(*this);
  return t;
}

void Tensor::copy_from(const Tensor& src) {
  LF_CHECK(src.shape_ == shape_ && src.dtype_ == dtype_, "Tensor::copy_from",
        "source " + src.str() + " does not match destination " + str());
  LF_CHECK(is_contiguous(), "Tensor::copy_from", "destination must be contiguous");
  if (numel() == 0) return;
  if (src.is_contiguous()) {
    std::memmove(bytes(), src.bytes(), static_cast<std::size_t>(nbytes()));
    return;
  }
  const std::int64_t inner = rank() ? shape_.back() : 1;
  const std::int64_t inner_stride = rank() ? src.strides_[static_cast<std::size_t>(rank() - 1)] : 1;
  std::byte* dbase = bytes();
  const std::byte* sbase = src.bytes();
  const std::int64_t esz = dtype_info(dtype_).block_bytes;
  for_each_row(shape_, src.strides_, [&](std::int64_t d, std::int64_t s) {
    if (inner_stride == 1) {
      std::memcpy(dbase + dtype_bytes(dtype_, d), sbase + dtype_bytes(dtype_, s),
                  static_cast<std::size_t>(dtype_bytes(dtype_, inner)));
    } else {  // scalar dtypes only (quantized rows are always unit-stride)
      for (std::int64_t i = 0; i < inner; ++i)
        std::memcpy(dbase + (d + i) * esz, sbase + (s + i * inner_stride) * esz, static_cast<std::size_t>(esz));
    }
  });
}

Tensor Tensor::to_f32() const {
  Tensor src = contiguous();
  Tensor t = empty(shape_, DType::f32);
  if (numel() > 0) to_f32_row(dtype_, src.bytes(), t.data<float>(), numel());
  return t;
}

}  // namespace lf
