#include "weight_loader.hpp"

#include <cmath>
#include <vector>

#include "liveformer/core/convert.hpp"
#include "liveformer/ops/weight_matmul.hpp"

namespace lf::detail {

Tensor WeightLoader::fetch(const std::string& name, const Shape& shape) {
  LF_CHECK(source_.has_tensor(name), source_.describe().c_str(), "missing tensor '" + name + "'");
  Tensor t = source_.tensor(name);
  LF_CHECK(t.shape() == shape, source_.describe().c_str(),
           "tensor '" + name + "' has shape " + t.shape().str() + ", the architecture needs " + shape.str());
  return t;
}

Tensor WeightLoader::get(const std::string& name, const Shape& shape) { return finish(name, fetch(name, shape)); }

Tensor WeightLoader::matrix(const std::string& name, const Shape& shape) {
  Tensor t = fetch(name, shape);
  note_type(t);
  return finish_matrix(name, t);
}

Tensor WeightLoader::matrix_transposed(const std::string& name, const Shape& shape) {
  LF_CHECK(shape.rank() == 2, "WeightLoader", "only matrices can be transposed");
  Tensor t = fetch(name, {shape[1], shape[0]});
  note_type(t);
  // Transposing is exact, so 16-bit types go back to their own type.
  Tensor turned = t.to_f32().transpose(0, 1).clone();
  if (t.dtype() == DType::f16 || t.dtype() == DType::bf16) turned = convert_rows(turned, t.dtype());
  return finish_matrix(name, turned);
}

Tensor WeightLoader::embedding(const std::string& name, const Shape& shape) {
  // Kept as stored: the embedding lookup reads any type, and a tied output
  // head uses the same tensor through matmul_weights.
  Tensor t = fetch(name, shape);
  if (!weight_type_supported(t.dtype()) || !t.is_contiguous()) return finish(name, t);
  check_finite(name, t);
  return t;
}

Tensor WeightLoader::convert_rows(const Tensor& t, DType type) {
  const std::int64_t rows = t.dim(0), k = t.dim(1);
  Tensor out = Tensor::empty(t.shape(), type);
  std::vector<float> row(static_cast<std::size_t>(k));
  const std::int64_t in_bytes = dtype_bytes(t.dtype(), k), out_bytes = dtype_bytes(type, k);
  for (std::int64_t r = 0; r < rows; ++r) {
    to_f32_row(t.dtype(), t.bytes() + r * in_bytes, row.data(), k);
    from_f32_row(type, row.data(), out.bytes() + r * out_bytes, k);
  }
  return out;
}

Tensor WeightLoader::finish_matrix(const std::string& name, Tensor t) {
  if (!weight_type_supported(t.dtype()) || !t.is_contiguous() || t.rank() != 2) return finish(name, t);
  check_finite(name, t);  // before quantizing: a NaN must not hide in a block scale
  if (options_.quantize && *options_.quantize != t.dtype()) {
    const DType to = *options_.quantize;
    LF_CHECK(dtype_writable(to), source_.describe().c_str(),
             "cannot quantize to " + std::string(dtype_name(to)) +
                 ": liveformer reads that type but cannot write it yet");
    // Block types need whole blocks per row; such a matrix keeps its type.
    if (t.dim(1) % dtype_info(to).block_size == 0) t = convert_rows(t, to);
  }
  note_loaded_type(t);
  return t;
}

void WeightLoader::check_finite(const std::string& name, const Tensor& t) const {
  if (!options_.check_finite) return;
  const std::int64_t k = t.dim(-1), rows = t.numel() / std::max<std::int64_t>(k, 1);
  const std::int64_t row_bytes = dtype_bytes(t.dtype(), k);
  std::vector<float> row(static_cast<std::size_t>(k));
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* p = row.data();
    if (t.dtype() == DType::f32)
      p = t.data<float>() + r * k;
    else
      to_f32_row(t.dtype(), t.bytes() + r * row_bytes, row.data(), k);
    for (std::int64_t i = 0; i < k; ++i)
      LF_CHECK(std::isfinite(p[i]), source_.describe().c_str(),
               "tensor '" + name + "' holds a non-finite value (" + std::to_string(p[i]) + ") at element " +
                   std::to_string(r * k + i));
  }
}

void WeightLoader::note_loaded_type(const Tensor& t) {
  const std::string type(dtype_name(t.dtype()));
  loaded_type_ = loaded_type_.empty() || loaded_type_ == type ? type : "mixed";
}

void WeightLoader::note_type(const Tensor& t) {
  const std::string type(dtype_name(t.dtype()));
  weight_type_ = weight_type_.empty() || weight_type_ == type ? type : "mixed";
}

Tensor WeightLoader::get_optional(const std::string& name, const Shape& shape) {
  return source_.has_tensor(name) ? get(name, shape) : Tensor();
}

Tensor WeightLoader::finish(const std::string& name, Tensor t) {
  // Norms, biases and anything not read in place are widened to f32 once.
  if (t.dtype() != DType::f32 || !t.is_contiguous()) t = t.to_f32().contiguous();
  check_finite(name, t);
  return t;
}

}  // namespace lf::detail
