// Fetches weights from a TensorSource, checking names, shapes and values.
#pragma once

#include <set>
#include <string>

#include "liveformer/formats/tensor_source.hpp"
#include "liveformer/model/model.hpp"

namespace lf::detail {

class WeightLoader {
 public:
  WeightLoader(const TensorSource& source, const LoadOptions& options) : source_(source), options_(options) {}

  /// The tensor `name`, which must have `shape` (lf order, [out, in] for
  /// matrices), as f32 (converted if stored otherwise).
  Tensor get(const std::string& name, const Shape& shape);
  /// A projection matrix: kept in its stored type when matmul_weights reads
  /// it in place (converted to options.quantize if set); its file type
  /// counts in weight_type().
  Tensor matrix(const std::string& name, const Shape& shape);
  /// An embedding table: kept as stored when it can be (never quantized).
  Tensor embedding(const std::string& name, const Shape& shape);
  /// matrix() stored transposed in the file ([in, out]: HF Conv1D).
  Tensor matrix_transposed(const std::string& name, const Shape& shape);
  /// An undefined tensor when absent.
  Tensor get_optional(const std::string& name, const Shape& shape);
  bool has(const std::string& name) const { return source_.has_tensor(name); }

  /// Storage type of the projection matrices seen so far ("f32", "q8_0",
  /// or "mixed"); embeddings and norms do not count.
  const std::string& weight_type() const { return weight_type_; }
  /// The same for the matrices as loaded (after quantize-on-load).
  const std::string& loaded_type() const { return loaded_type_; }

 private:
  Tensor fetch(const std::string& name, const Shape& shape);
  Tensor finish(const std::string& name, Tensor t);
  Tensor finish_matrix(const std::string& name, Tensor t);
  static Tensor convert_rows(const Tensor& t, DType type);
  void check_finite(const std::string& name, const Tensor& t) const;
  void note_type(const Tensor& t);
  void note_loaded_type(const Tensor& t);

  const TensorSource& source_;
  LoadOptions options_;
  std::string weight_type_;
  std::string loaded_type_;
};

}  // namespace lf::detail
