// Shape: up to four dimensions, printed as "[2,3,7]" in error messages.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>

#include "liveformer/core/error.hpp"

namespace lf {

inline constexpr int kMaxDims = 4;

/// Dimensions of a tensor, outermost first (row-major). Rank 0 is a scalar.
class Shape {
 public:
  Shape() = default;
  Shape(std::initializer_list<std::int64_t> dims) {
    LF_CHECK(dims.size() <= kMaxDims, "Shape", "rank " + std::to_string(dims.size()) + " exceeds 4");
    for (std::int64_t d : dims) push_back(d);
  }

  int rank() const { return rank_; }
  std::int64_t operator[](int i) const { return dims_[static_cast<std::size_t>(i)]; }
  std::int64_t& operator[](int i) { return dims_[static_cast<std::size_t>(i)]; }
  /// Dimension counted from the end: back(0) is the innermost.
  std::int64_t back(int i = 0) const { return dims_[static_cast<std::size_t>(rank_ - 1 - i)]; }

  void push_back(std::int64_t d) {
    LF_CHECK(rank_ < kMaxDims, "Shape", "rank exceeds 4");
    LF_CHECK(d >= 0, "Shape", "negative dimension " + std::to_string(d));
    dims_[static_cast<std::size_t>(rank_++)] = d;
  }

  /// Number of elements (1 for a scalar). Throws on int64 overflow.
  std::int64_t numel() const {
    std::int64_t n = 1;
    for (int i = 0; i < rank_; ++i) {
      LF_CHECK(dims_[static_cast<std::size_t>(i)] == 0 || n <= INT64_MAX / dims_[static_cast<std::size_t>(i)],
            "Shape", "element count of " + str() + " overflows");
      n *= dims_[static_cast<std::size_t>(i)];
    }
    return n;
  }

  /// Product of all dimensions but the last: the number of rows.
  std::int64_t rows() const {
    std::int64_t n = 1;
    for (int i = 0; i + 1 < rank_; ++i) n *= dims_[static_cast<std::size_t>(i)];
    return n;
  }

  bool operator==(const Shape& o) const {
    if (rank_ != o.rank_) return false;
    for (int i = 0; i < rank_; ++i)
      if (dims_[static_cast<std::size_t>(i)] != o.dims_[static_cast<std::size_t>(i)]) return false;
    return true;
  }

  std::string str() const {
    std::string s = "[";
    for (int i = 0; i < rank_; ++i) {
      if (i) s += ',';
      s += std::to_string(dims_[static_cast<std::size_t>(i)]);
    }
    return s + "]";
  }

 private:
  std::array<std::int64_t, kMaxDims> dims_{};
  int rank_ = 0;
};

}  // namespace lf
