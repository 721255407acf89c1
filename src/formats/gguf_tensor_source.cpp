#include "liveformer/formats/gguf_tensor_source.hpp"

namespace lf {

std::vector<std::string> GgufTensorSource::tensor_names() const {
  std::vector<std::string> names;
  names.reserve(file_.tensors().size());
  for (const GgufTensorInfo& info : file_.tensors()) names.push_back(info.name);
  return names;
}

Tensor GgufTensorSource::tensor(std::string_view name) const {
  // GgufFile::tensor reports a missing name as "<path>: no tensor named '...'".
  return file_.tensor(name);
}

}  // namespace lf
