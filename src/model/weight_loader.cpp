#include "weight_loader.hpp"

#include <cmath>

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
  return finish(name, t);
}

Tensor WeightLoader::matrix_transposed(const std::string& name, const Shape& shape) {
  LF_CHECK(shape.rank() == 2, "WeightLoader", "only matrices can be transposed");
  Tensor t = fetch(name, {shape[1], shape[0]});
  note_type(t);
  return finish(name, t.to_f32().transpose(0, 1).clone());
}

void WeightLoader::note_type(const Tensor& t) {
  const std::string type(dtype_name(t.dtype()));
  weight_type_ = weight_type_.empty() || weight_type_ == type ? type : "mixed";
}

Tensor WeightLoader::get_optional(const std::string& name, const Shape& shape) {
  return source_.has_tensor(name) ? get(name, shape) : Tensor();
}

Tensor WeightLoader::finish(const std::string& name, Tensor t) {
  // The ops compute in f32; other storage types are widened once here (the
  // CPU performance work replaces this with kernels that read them as stored).
  if (t.dtype() != DType::f32) t = t.to_f32();
  if (options_.check_finite) {
    const float* p = t.data<float>();
    for (std::int64_t i = 0, n = t.numel(); i < n; ++i)
      LF_CHECK(std::isfinite(p[i]), source_.describe().c_str(),
            "tensor '" + name + "' holds a non-finite value (" + std::to_string(p[i]) + ") at element " + std::to_string(i));
  }
  return t;
}

}  // namespace lf::detail
