#include "liveformer/ops/embedding.hpp"

#include "checks.hpp"
#include "liveformer/core/convert.hpp"

namespace lf {

void embedding(const Tensor& table, std::span<const std::int32_t> ids, Tensor& out) {
  const char* op = "embedding";
  LF_CHECK(table.defined() && table.rank() == 2, op, "table must be [vocab, dim], got " + table.shape().str());
  LF_CHECK(table.is_contiguous(), op, "table " + table.shape().str() + " must be contiguous");
  detail::require_f32_contiguous(op, "out", out);
  const std::int64_t vocab = table.dim(0), d = table.dim(1);
  const Shape expect{static_cast<std::int64_t>(ids.size()), d};
  LF_CHECK(out.shape() == expect, op, "out must be " + expect.str() + ", got " + out.shape().str());
  const std::int64_t row_bytes = dtype_bytes(table.dtype(), d);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    LF_CHECK(ids[i] >= 0 && ids[i] < vocab, op,
          "token id " + std::to_string(ids[i]) + " outside the vocabulary [0, " + std::to_string(vocab) + ")");
    to_f32_row(table.dtype(), table.bytes() + ids[i] * row_bytes, out.data<float>() + static_cast<std::int64_t>(i) * d, d);
  }
}

}  // namespace lf
