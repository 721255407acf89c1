// A model's weights on the device, uploaded once from an lf::Model and
// shared, read-only, by every DeviceContext over it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <liveformer/model/model.hpp>

#include "device_memory.hpp"

namespace lf::cuda::inline LF_CUDA_FLAVOUR {

struct DeviceOptions {
  /// Store f32 projection matrices (not embeddings or norms) as f16 or bf16
  /// on the device: half the memory and the bytes each decode step reads.
  /// Unset: kept as f32 (cuBLAS, TF32 when allowed). f16/bf16/q8_0/q4_0
  /// matrices always stay as stored.
  std::optional<DType> weight_type;
  /// Let f32 GEMMs use TF32 tensor cores (about 1e-3 relative error).
  bool allow_tf32 = true;
};

/// A weight on the device: [rows, cols] of `type`, contiguous (GGUF blocks
/// along a row for q8_0 / q4_0). Vectors (norm weights) have rows = 1.
struct DeviceMatrix {
  const void* data = nullptr;
  DType type = DType::f32;
  std::int64_t rows = 0, cols = 0;
  const float* f32() const { return static_cast<const float*>(data); }
};

struct DeviceLayer {
  DeviceMatrix attn_norm, wq, wk, wv, wo;
  DeviceMatrix ffn_norm, w_gate, w_up, w_down;  // w_gate: SwiGLU only (data null for GPT-2's GELU)
  /// f32 biases (Qwen2: q/k/v; GPT-2: all, and its LayerNorms'); data null when absent.
  DeviceMatrix bq, bk, bv, bo, b_up, b_down;
  DeviceMatrix attn_norm_bias, ffn_norm_bias;
};

class DeviceModel {
 public:
  /// Uploads the weights (synchronously). Throws lf::Error for an
  /// architecture's weights it cannot run (it runs the Llama family, Qwen2
  /// and GPT-2), for a weight type it cannot use, or with
  /// CUDA's message when there is no GPU or not enough memory.
  explicit DeviceModel(std::shared_ptr<const Model> model, const DeviceOptions& options = {});

  const Model& model() const { return *model_; }
  const ModelConfig& config() const { return model_->config(); }
  const DeviceOptions& options() const { return options_; }
  /// What require_device() said about the GPU.
  const std::string& device_name() const { return device_name_; }
  /// Bytes of device memory the weights take.
  std::size_t bytes() const;

  const DeviceMatrix& token_embd() const { return token_embd_; }
  /// GPT-2's learned positions [n_ctx_train, E]; data null otherwise.
  const DeviceMatrix& position_embd() const { return position_embd_; }
  const std::vector<DeviceLayer>& layers() const { return layers_; }
  const DeviceMatrix& output_norm() const { return output_norm_; }
  const DeviceMatrix& output_norm_bias() const { return output_norm_bias_; }
  const DeviceMatrix& output() const { return output_; }

 private:
  enum class Use { embedding, norm, projection };
  DeviceMatrix upload(const Tensor& weight, Use use, const char* name, const DeviceStream& stream);
  // Views of an uploaded matrix's rows / a vector's elements.
  static DeviceMatrix rows_of(const DeviceMatrix& m, std::int64_t first, std::int64_t count);
  static DeviceMatrix columns_of(const DeviceMatrix& v, std::int64_t first, std::int64_t count);

  std::shared_ptr<const Model> model_;
  DeviceOptions options_;
  std::string device_name_;
  std::vector<DeviceBuffer> buffers_;
  DeviceMatrix token_embd_, position_embd_, output_norm_, output_norm_bias_, output_;
  std::vector<DeviceLayer> layers_;
};

}  // namespace lf::cuda
