// lf::TensorSource: named weight tensors, whatever file format holds them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "liveformer/core/tensor.hpp"

namespace lf {

/// A read-only collection of named tensors: a safetensors model (one file or
/// a sharded set; SafetensorsSet) or a GGUF file (GgufTensorSource). Model
/// loaders take a TensorSource so they need not know the file format.
///
/// Tensors returned are usually zero-copy views of a memory-mapped file that
/// they keep alive; treat them as read-only.
class TensorSource {
 public:
  virtual ~TensorSource() = default;

  /// Every tensor name, in a deterministic order chosen by the source.
  virtual std::vector<std::string> tensor_names() const = 0;
  virtual bool has_tensor(std::string_view name) const = 0;
  /// The tensor `name`. Throws lf::Error naming describe() and `name` when
  /// it is missing, or when its element type or rank cannot be loaded.
  virtual Tensor tensor(std::string_view name) const = 0;
  /// What this source is, for error messages: usually a path.
  virtual std::string describe() const = 0;

 protected:
  TensorSource() = default;
  TensorSource(const TensorSource&) = default;
  TensorSource& operator=(const TensorSource&) = default;
  TensorSource(TensorSource&&) = default;
  TensorSource& operator=(TensorSource&&) = default;
};

}  // namespace lf
