#include "device_model.hpp"

#include <cstddef>
#include <vector>

#include <liveformer/core/convert.hpp>
#include <liveformer/core/error.hpp>

namespace lf::cuda::inline LF_CUDA_FLAVOUR {

namespace {

constexpr const char* kOp = "cuda backend";

// What the kernels read as stored: the embedding gather takes f32/f16/bf16
// tables; projections go to cuBLAS (f32) or the matvec kernel (f16, bf16,
// q8_0, q4_0); norm weights are f32.
bool keeps_type(DType t, bool projection) {
  if (t == DType::f32 || t == DType::f16 || t == DType::bf16) return true;
  return projection && (t == DType::q8_0 || t == DType::q4_0);
}

}  // namespace

DeviceModel::DeviceModel(std::shared_ptr<const Model> model, const DeviceOptions& options)
    : model_(std::move(model)), options_(options) {
  LF_CHECK(model_ != nullptr, kOp, "no model");
  const ModelConfig& c = model_->config();
  LF_CHECK(c.arch == Architecture::llama || c.arch == Architecture::qwen2 || c.arch == Architecture::gpt2, kOp,
           std::string("the CUDA backend does not run the ") + architecture_name(c.arch) + " architecture");
  LF_CHECK(!options_.weight_type || *options_.weight_type == DType::f16 || *options_.weight_type == DType::bf16, kOp,
           std::string("device weight type must be f16 or bf16, got ") + std::string(dtype_name(*options_.weight_type)));
  device_name_ = require_device();
  DeviceStream stream;
  auto upload = [&](const Tensor& t, Use use, const char* name) { return this->upload(t, use, name, stream); };
  // Optional f32 vectors (biases), uploaded like norm weights.
  auto optional = [&](const Tensor& b, const char* name) {
    return b.defined() ? upload(b, Use::norm, name) : DeviceMatrix{};
  };

  const ModelWeights& w = model_->weights();
  token_embd_ = upload(w.token_embd, Use::embedding, "token_embd");
  if (w.position_embd.defined()) position_embd_ = upload(w.position_embd, Use::embedding, "position_embd");
  const std::int64_t qdim = c.n_heads * c.head_dim, kvdim = c.n_kv_heads * c.head_dim;
  for (std::size_t l = 0; l < w.layers.size(); ++l) {
    const LayerWeights& lw = w.layers[l];
    const std::string at = "layer " + std::to_string(l) + " ";
    DeviceLayer d;
    if (lw.wqkv.defined()) {
      // GPT-2's fused [q; k; v] rows: uploaded once, projected as three
      // row ranges, so K and V land straight in the cache like Llama's.
      const DeviceMatrix qkv = upload(lw.wqkv, Use::projection, "wqkv");
      LF_CHECK(qkv.rows == qdim + 2 * kvdim, kOp, at + "wqkv rows do not match the heads");
      d.wq = rows_of(qkv, 0, qdim);
      d.wk = rows_of(qkv, qdim, kvdim);
      d.wv = rows_of(qkv, qdim + kvdim, kvdim);
      if (lw.bqkv.defined()) {
        const DeviceMatrix b = upload(lw.bqkv, Use::norm, "bqkv");
        d.bq = columns_of(b, 0, qdim);
        d.bk = columns_of(b, qdim, kvdim);
        d.bv = columns_of(b, qdim + kvdim, kvdim);
      }
    } else {
      LF_CHECK(lw.wq.defined() && lw.wk.defined() && lw.wv.defined(), kOp, at + "lacks q/k/v weights");
      d.wq = upload(lw.wq, Use::projection, "wq");
      d.wk = upload(lw.wk, Use::projection, "wk");
      d.wv = upload(lw.wv, Use::projection, "wv");
      d.bq = optional(lw.bq, "bq");
      d.bk = optional(lw.bk, "bk");
      d.bv = optional(lw.bv, "bv");
    }
    d.attn_norm = upload(lw.attn_norm, Use::norm, "attn_norm");
    d.attn_norm_bias = optional(lw.attn_norm_bias, "attn_norm_bias");
    d.wo = upload(lw.wo, Use::projection, "wo");
    d.bo = optional(lw.bo, "bo");
    d.ffn_norm = upload(lw.ffn_norm, Use::norm, "ffn_norm");
    d.ffn_norm_bias = optional(lw.ffn_norm_bias, "ffn_norm_bias");
    if (lw.w_gate.defined()) d.w_gate = upload(lw.w_gate, Use::projection, "w_gate");
    d.w_up = upload(lw.w_up, Use::projection, "w_up");
    d.b_up = optional(lw.b_up, "b_up");
    d.w_down = upload(lw.w_down, Use::projection, "w_down");
    d.b_down = optional(lw.b_down, "b_down");
    layers_.push_back(d);
  }
  output_norm_ = upload(w.output_norm, Use::norm, "output_norm");
  output_norm_bias_ = optional(w.output_norm_bias, "output_norm_bias");
  // A tied output head reuses the embedding table when it stays in the
  // same type (a converted head needs its own copy).
  const bool tied = w.output.bytes() == w.token_embd.bytes() && w.output.dtype() == w.token_embd.dtype();
  const bool same_type = !options_.weight_type || w.output.dtype() != DType::f32;
  output_ = tied && same_type ? token_embd_ : upload(w.output, Use::projection, "output");
}

DeviceMatrix DeviceModel::rows_of(const DeviceMatrix& m, std::int64_t first, std::int64_t count) {
  DeviceMatrix part = m;
  part.data = static_cast<const std::byte*>(m.data) + dtype_bytes(m.type, first * m.cols);
  part.rows = count;
  return part;
}

DeviceMatrix DeviceModel::columns_of(const DeviceMatrix& v, std::int64_t first, std::int64_t count) {
  DeviceMatrix part = v;
  part.data = v.f32() + first;
  part.cols = count;
  return part;
}

DeviceMatrix DeviceModel::upload(const Tensor& weight, Use use, const char* name, const DeviceStream& stream) {
  LF_CHECK(weight.defined() && weight.numel() > 0 && weight.rank() <= 2, kOp,
           std::string("weight ") + name + " is missing or not a matrix/vector");
  const Tensor t = weight.contiguous();
  const bool projection = use == Use::projection;
  DeviceMatrix m;
  m.rows = t.rank() == 2 ? t.dim(0) : 1;
  m.cols = t.dim(-1);

  // Decide the stored type; build a host copy only when it changes.
  DType target = t.dtype();
  if (use == Use::norm)
    target = DType::f32;
  else if (!keeps_type(t.dtype(), projection))
    target = DType::f32;  // e.g. a quantized embedding table: dequantized once
  else if (projection && t.dtype() == DType::f32 && options_.weight_type)
    target = *options_.weight_type;
  if (is_quantized(target))
    LF_CHECK(m.cols % 32 == 0, kOp,
             std::string(name) + ": " + std::string(dtype_name(target)) + " rows of " + std::to_string(m.cols) +
                 " are not whole 32-element blocks");

  std::vector<std::byte> staged;
  const std::byte* src = t.bytes();
  if (target != t.dtype()) {
    const Tensor wide = t.to_f32();
    staged.resize(static_cast<std::size_t>(dtype_bytes(target, m.rows * m.cols)));
    const std::int64_t row_bytes = dtype_bytes(target, m.cols);
    for (std::int64_t r = 0; r < m.rows; ++r)
      from_f32_row(target, wide.data<float>() + r * m.cols, staged.data() + r * row_bytes, m.cols);
    src = staged.data();
  }
  const auto bytes = static_cast<std::size_t>(dtype_bytes(target, m.rows * m.cols));
  DeviceBuffer buffer(bytes);
  // Synchronous: the staged host copy dies at the end of this function.
  copy_to_device(buffer.data(), src, bytes, stream.get());
  stream.synchronize();
  m.data = buffer.data();
  m.type = target;
  buffers_.push_back(std::move(buffer));
  return m;
}

std::size_t DeviceModel::bytes() const {
  std::size_t total = 0;
  for (const DeviceBuffer& b : buffers_) total += b.bytes();
  return total;
}

}  // namespace lf::cuda
