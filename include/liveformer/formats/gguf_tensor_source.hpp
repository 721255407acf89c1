// lf::GgufTensorSource: a GGUF file's tensors behind the TensorSource interface.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "liveformer/formats/gguf.hpp"
#include "liveformer/formats/tensor_source.hpp"

namespace lf {

/// Serves the tensors of a GgufFile by their GGUF names ("token_embd.weight",
/// "blk.0.attn_q.weight", ...). Shapes are in liveformer order (GGUF's ne
/// reversed); tensors of F32, F16, BF16, Q8_0 and Q4_0 load, others throw.
/// The GGUF metadata stays reachable through file().
class GgufTensorSource final : public TensorSource {
 public:
  explicit GgufTensorSource(GgufFile file) : file_(std::move(file)) {}
  /// Maps and parses `path`.
  static GgufTensorSource open(const std::string& path) { return GgufTensorSource(GgufFile::open(path)); }

  const GgufFile& file() const { return file_; }

  /// In file order.
  std::vector<std::string> tensor_names() const override;
  bool has_tensor(std::string_view name) const override { return file_.find_tensor(name) != nullptr; }
  Tensor tensor(std::string_view name) const override;
  std::string describe() const override { return file_.path(); }

 private:
  GgufFile file_;
};

}  // namespace lf
