#include "device_context.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>

#include <liveformer/core/error.hpp>

#include "launch.hpp"

namespace lf::cuda::inline LF_CUDA_FLAVOUR {

namespace {

constexpr const char* kOp = "cuda backend";
constexpr std::int32_t kMaxDeviceTopK = DeviceContext::kMaxSampleTopK;
constexpr std::int64_t kMatvecRows = DeviceContext::kMatvecRows;
// Key splits the decode attention may use need a workspace of this many
// splits (its launcher keeps at least 256 keys per split).
std::int64_t max_key_splits(std::int64_t capacity) { return (capacity + 255) / 256 + 1; }

// Carves 256-byte aligned pieces out of one allocation.
class Carver {
 public:
  std::size_t reserve(std::size_t bytes) {
    const std::size_t at = end_;
    end_ += (bytes + 255) / 256 * 256;
    return at;
  }
  std::size_t total() const { return end_; }

 private:
  std::size_t end_ = 0;
};

bool is_block_quantized(DType t) { return t == DType::q8_0 || t == DType::q4_0; }

// Calls f(matrix) for every projection a prompt chunk multiplies (the
// output head only ever sees one row).
template <class F>
void for_each_chunk_projection(const DeviceModel& m, F f) {
  for (const DeviceLayer& l : m.layers())
    for (const DeviceMatrix* w : {&l.wq, &l.wk, &l.wv, &l.wo, &l.w_gate, &l.w_up, &l.w_down})
      if (w->data) f(*w);
}

}  // namespace

DeviceContext::DeviceContext(std::shared_ptr<const DeviceModel> model, std::int64_t context_length,
                             std::int64_t max_batch, std::size_t dequant_tile_bytes)
    : model_(std::move(model)),
      capacity_(context_length),
      max_batch_(max_batch),
      gemm_(stream_.get(), model_ ? model_->options().allow_tf32 : true) {
  LF_CHECK(model_ != nullptr, kOp, "no device model");
  LF_CHECK(context_length >= 1 && max_batch >= 1, kOp,
           "context length and batch must be positive, got " + std::to_string(context_length) + " and " +
               std::to_string(max_batch));
  const ModelConfig& c = model_->config();
  const std::int64_t e = c.n_embd, qdim = c.n_heads * c.head_dim, f = c.n_ff, b = max_batch;
  const auto f32s = [](std::int64_t n) { return static_cast<std::size_t>(n) * sizeof(float); };

  kv_ = DeviceBuffer(f32s(2 * c.n_layers * capacity_ * c.n_kv_heads * c.head_dim));

  attn_workspace_bytes_ = kernels::attention_workspace_bytes(1, c.n_heads, c.head_dim, max_key_splits(capacity_));
  // Enough for argmax and for sampling with the device's largest top_k.
  sample_workspace_bytes_ = kernels::sample_workspace_bytes(c.vocab_size, kMaxDeviceTopK);
  Carver carve;
  const std::size_t at_x = carve.reserve(f32s(b * e)), at_h = carve.reserve(f32s(b * e));
  const std::size_t at_q = carve.reserve(f32s(b * qdim)), at_attn = carve.reserve(f32s(b * qdim));
  const std::size_t at_gate = carve.reserve(f32s(b * f)), at_up = carve.reserve(f32s(b * f));
  const std::int64_t widest = std::max({qdim, f, e, c.n_kv_heads * c.head_dim});
  const std::size_t at_bias = carve.reserve(f32s(b * widest));
  // Prefill chunks (more than kMatvecRows rows) over 16-bit or quantized
  // weights go to a 16-bit GEMM: their activations are narrowed first, and
  // quantized weights are dequantized to f16 a tile of rows at a time.
  bool narrowed_gemm = false;
  std::size_t dequant_bytes = 0;
  if (max_batch > kMatvecRows)
    for_each_chunk_projection(*model_, [&](const DeviceMatrix& w) {
      narrowed_gemm = narrowed_gemm || w.type != DType::f32;
      if (!is_block_quantized(w.type)) return;
      const auto row = static_cast<std::size_t>(w.cols) * 2;
      const std::size_t whole = row * static_cast<std::size_t>(w.rows);
      dequant_bytes = std::max({dequant_bytes, std::min(whole, dequant_tile_bytes / row * row), row});
    });
  const std::size_t at_narrow = narrowed_gemm ? carve.reserve(static_cast<std::size_t>(b * widest) * 2) : 0;
  const std::size_t at_last = carve.reserve(f32s(e)), at_logits = carve.reserve(f32s(c.vocab_size));
  const std::size_t at_ws = carve.reserve(attn_workspace_bytes_);
  const std::size_t at_ids = carve.reserve(static_cast<std::size_t>(b) * sizeof(std::int32_t));
  const std::size_t at_positions = carve.reserve(static_cast<std::size_t>(b) * sizeof(std::int32_t));
  const std::size_t at_next = carve.reserve(sizeof(std::int32_t));
  const std::size_t at_sample = carve.reserve(sample_workspace_bytes_);
  arena_ = DeviceBuffer(carve.total());
  auto* base = arena_.as<unsigned char>();
  x_ = reinterpret_cast<float*>(base + at_x);
  h_ = reinterpret_cast<float*>(base + at_h);
  q_ = reinterpret_cast<float*>(base + at_q);
  attn_ = reinterpret_cast<float*>(base + at_attn);
  gate_ = reinterpret_cast<float*>(base + at_gate);
  up_ = reinterpret_cast<float*>(base + at_up);
  bias_rows_ = reinterpret_cast<float*>(base + at_bias);
  last_ = reinterpret_cast<float*>(base + at_last);
  logits_ = reinterpret_cast<float*>(base + at_logits);
  attn_workspace_ = reinterpret_cast<float*>(base + at_ws);
  ids_ = reinterpret_cast<std::int32_t*>(base + at_ids);
  positions_ = reinterpret_cast<std::int32_t*>(base + at_positions);
  next_id_ = reinterpret_cast<std::int32_t*>(base + at_next);
  sample_workspace_ = base + at_sample;
  if (narrowed_gemm) narrow_ = base + at_narrow;
  if (dequant_bytes > 0) dequant_ = DeviceBuffer(dequant_bytes);
}

std::int64_t DeviceContext::dequant_tile_rows(std::int64_t cols) const {
  return static_cast<std::int64_t>(dequant_.bytes() / (static_cast<std::size_t>(cols) * 2));
}

float* DeviceContext::keys(std::int64_t layer) const {
  const ModelConfig& c = model_->config();
  return kv_.as<float>() + (2 * layer) * capacity_ * c.n_kv_heads * c.head_dim;
}

float* DeviceContext::values(std::int64_t layer) const {
  const ModelConfig& c = model_->config();
  return kv_.as<float>() + (2 * layer + 1) * capacity_ * c.n_kv_heads * c.head_dim;
}

void DeviceContext::truncate(std::int64_t n) {
  LF_CHECK(n >= 0 && n <= size_, kOp,
           "truncate to " + std::to_string(n) + " positions, but the cache holds " + std::to_string(size_));
  size_ = n;
  have_logits_ = false;
}

void DeviceContext::copy_prefix(const DeviceContext& from, std::int64_t n) {
  LF_CHECK(from.model_ == model_, kOp, "copy_prefix: the contexts are over different device models");
  LF_CHECK(n >= 0 && n <= from.size_ && n <= capacity_, kOp,
           "copy_prefix of " + std::to_string(n) + " positions from a cache of " + std::to_string(from.size_) +
               " into one of capacity " + std::to_string(capacity_));
  from.stream_.synchronize();  // its K/V writes are done before this stream reads them
  const ModelConfig& c = model_->config();
  const std::size_t bytes = static_cast<std::size_t>(n * c.n_kv_heads * c.head_dim) * sizeof(float);
  for (std::int64_t l = 0; l < c.n_layers; ++l) {
    copy_on_device(keys(l), from.keys(l), bytes, stream_.get());
    copy_on_device(values(l), from.values(l), bytes, stream_.get());
  }
  size_ = n;
  have_logits_ = false;
}

// out[rows, w.rows] = in[rows, w.cols] · wᵀ (+ bias). f32 weights: cuBLAS
// (TF32 when allowed). f16/bf16/q8_0/q4_0 weights: up to kMatvecRows rows
// (decode) take the matvec kernel, which reads the weights as stored with
// f32 activations; a longer chunk (prefill) narrows its activations and
// takes cublasGemmEx (f32 accumulation), f16/bf16 weights as stored,
// q8_0/q4_0 dequantized to f16 a tile at a time (project_quantized).
// Projections that share an input (q/k/v, gate/up) narrow it once: the
// first leaves it in narrow_, the next ones pass same_input.
void DeviceContext::project(const float* in, const DeviceMatrix& w, const DeviceMatrix& bias, float* out,
                            std::int64_t rows, bool same_input) {
  const Stream s = stream_.get();
  const std::optional<DType> held = same_input ? narrowed_type_ : std::nullopt;
  narrowed_type_.reset();
  if (w.type == DType::f32) {
    gemm(gemm_, in, DType::f32, w.data, DType::f32, out, rows, w.rows, w.cols);
  } else if (rows <= kMatvecRows) {
    kernels::matvec(w.data, w.type, in, out, rows, w.rows, w.cols, s);
  } else if (is_block_quantized(w.type)) {
    project_quantized(in, w, out, rows, held == DType::f16);
  } else {
    LF_CHECK(narrow_ != nullptr, kOp, "internal: no narrowed-activation buffer for a 16-bit GEMM");
    if (held != w.type) kernels::narrow(in, w.type, narrow_, rows * w.cols, s);
    narrowed_type_ = w.type;
    gemm(gemm_, narrow_, w.type, w.data, w.type, out, rows, w.rows, w.cols);
  }
  if (!bias.data) return;
  // The bias is added as a residual over all rows: one row needs nothing
  // more (decode); a chunk first repeats it into bias_rows_ by doubling
  // device copies (log2(rows) of them).
  const std::int64_t n = w.rows;
  const float* add = bias.f32();
  if (rows > 1) {
    const auto row_bytes = static_cast<std::size_t>(n) * sizeof(float);
    copy_on_device(bias_rows_, bias.data, row_bytes, s);
    for (std::int64_t have = 1; have < rows; have *= 2)
      copy_on_device(bias_rows_ + have * n, bias_rows_, static_cast<std::size_t>(std::min(have, rows - have)) * row_bytes, s);
    add = bias_rows_;
  }
  kernels::residual_add(out, add, out, rows * n, s);
}

// out = in · wᵀ for q8_0 / q4_0 weights and a prefill chunk: the activations
// narrowed to f16 once, then per tile of weight rows a dequantization into
// dequant_ and an f16 GEMM that fills the tile's columns of out. Dequantizing
// a tile costs about the weights' bytes + 2 bytes per weight, once per chunk,
// however many rows the chunk has (docs/cuda.md, "Backend notes").
void DeviceContext::project_quantized(const float* in, const DeviceMatrix& w, float* out, std::int64_t rows,
                                      bool narrowed) {
  const Stream s = stream_.get();
  const std::int64_t tile_rows = std::min(w.rows, dequant_tile_rows(w.cols));
  LF_CHECK(narrow_ != nullptr && tile_rows >= 1, kOp, "internal: no dequantization scratch for a quantized GEMM");
  if (!narrowed) kernels::narrow(in, DType::f16, narrow_, rows * w.cols, s);
  narrowed_type_ = DType::f16;
  for (std::int64_t first = 0; first < w.rows; first += tile_rows) {
    const std::int64_t n = std::min(tile_rows, w.rows - first);
    const void* tile = static_cast<const std::byte*>(w.data) + dtype_bytes(w.type, first * w.cols);
    kernels::dequantize_to_f16(tile, w.type, dequant_.data(), n * w.cols, s);
    gemm(gemm_, narrow_, DType::f16, dequant_.data(), DType::f16, out + first, rows, n, w.cols, w.rows);
  }
}

// The forward pass of `n` tokens (already in ids_) at positions pos..pos+n-1,
// as one explicit list of kernel calls; mirrors lf::forward for Llama,
// Qwen2 (the same blocks plus q/k/v biases, and NeoX-layout RoPE) and GPT-2
// (learned positions, LayerNorm, biases everywhere, GELU, no RoPE).
void DeviceContext::enqueue_forward(std::int64_t n, std::int64_t pos) {
  const ModelConfig& c = model_->config();
  const DeviceModel& m = *model_;
  const Stream s = stream_.get();
  const std::int64_t e = c.n_embd, hq = c.n_heads, hkv = c.n_kv_heads, d = c.head_dim, f = c.n_ff;
  const std::int64_t kv_row = hkv * d;  // floats per cached position

  kernels::RopeParams rope;
  rope.rotate_half = c.rope_layout != RopeLayout::Interleaved;
  rope.theta = c.rope_theta;
  rope.rotary_dim = c.rotary_dim;
  rope.position_offset = pos;

  kernels::AttentionParams attn;
  attn.tq = n;
  attn.tk = pos + n;
  attn.hq = hq;
  attn.hkv = hkv;
  attn.d = attn.dv = d;
  attn.q_stride = hq * d;
  attn.k_stride = attn.v_stride = kv_row;
  attn.scale = 1.0f / std::sqrt(static_cast<float>(d));
  attn.causal = true;
  attn.causal_offset = pos;
  // Decode splits the keys (flash-decoding) through the workspace; a prompt
  // chunk has enough query rows to fill the GPU without.
  float* workspace = n == 1 ? attn_workspace_ : nullptr;
  const std::size_t workspace_bytes = n == 1 ? attn_workspace_bytes_ : 0;

  // RMSNorm (Llama, Qwen2) or LayerNorm with its bias (GPT-2).
  const bool layer_norm = c.arch == Architecture::gpt2;
  auto normalize = [&](const float* in, const DeviceMatrix& weight, const DeviceMatrix& bias, float* out,
                       std::int64_t rows) {
    if (layer_norm)
      kernels::layer_norm(in, weight.f32(), bias.f32(), out, rows, e, c.norm_eps, s);
    else
      kernels::rms_norm(in, weight.f32(), out, rows, e, c.norm_eps, s);
  };

  const DeviceMatrix& embd = m.token_embd();
  kernels::embedding(embd.data, embd.type, embd.rows, e, ids_, n, x_, nullptr, s);
  if (const DeviceMatrix& positions = m.position_embd(); positions.data) {
    kernels::embedding(positions.data, positions.type, positions.rows, e, positions_, n, h_, nullptr, s);
    kernels::residual_add(x_, h_, x_, n * e, s);
  }
  for (std::size_t l = 0; l < m.layers().size(); ++l) {
    const DeviceLayer& w = m.layers()[l];
    float* k_cache = keys(static_cast<std::int64_t>(l));
    float* v_cache = values(static_cast<std::int64_t>(l));
    float* k_new = k_cache + pos * kv_row;  // K and V are projected straight into the cache
    float* v_new = v_cache + pos * kv_row;

    normalize(x_, w.attn_norm, w.attn_norm_bias, h_, n);
    project(h_, w.wq, w.bq, q_, n);
    project(h_, w.wk, w.bk, k_new, n, /*same_input=*/true);
    project(h_, w.wv, w.bv, v_new, n, /*same_input=*/true);
    if (c.uses_rope()) {
      kernels::rope(q_, q_, n, hq, d, rope, s);
      kernels::rope(k_new, k_new, n, hkv, d, rope, s);
    }
    kernels::attention(q_, k_cache, v_cache, DType::f32, attn_, attn, workspace, workspace_bytes, s);
    project(attn_, w.wo, w.bo, h_, n);
    kernels::residual_add(x_, h_, x_, n * e, s);

    normalize(x_, w.ffn_norm, w.ffn_norm_bias, h_, n);
    if (w.w_gate.data) {
      project(h_, w.w_gate, DeviceMatrix{}, gate_, n);
      project(h_, w.w_up, w.b_up, up_, n, /*same_input=*/true);
      kernels::swiglu(gate_, up_, up_, n * f, s);
    } else {  // GPT-2: the up bias is fused into the GELU kernel
      project(h_, w.w_up, DeviceMatrix{}, up_, n);
      kernels::gelu(up_, w.b_up.f32(), up_, n * f, f, kernels::GeluKind::tanh, s);
    }
    project(up_, w.w_down, w.b_down, h_, n);
    kernels::residual_add(x_, h_, x_, n * e, s);
  }
  // Only the last token goes through the output head.
  normalize(x_ + (n - 1) * e, m.output_norm(), m.output_norm_bias(), last_, 1);
  project(last_, m.output(), DeviceMatrix{}, logits_, 1);
}

void DeviceContext::eval(std::span<const std::int32_t> tokens) {
  const ModelConfig& c = model_->config();
  const auto total = static_cast<std::int64_t>(tokens.size());
  if (total == 0) return;
  if (size_ + total > capacity_)
    throw_error(kOp,
                "context full: " + std::to_string(size_) + " cached + " + std::to_string(total) +
                    " new tokens exceed the context length " + std::to_string(capacity_),
                ErrorKind::context_full);
  if (c.arch == Architecture::gpt2)
    LF_CHECK(size_ + total <= c.n_ctx_train, kOp,
             "position " + std::to_string(size_ + total - 1) + " is beyond GPT-2's " + std::to_string(c.n_ctx_train) +
                 " learned positions");
  for (const std::int32_t id : tokens)
    LF_CHECK(id >= 0 && id < c.vocab_size, kOp,
             "token id " + std::to_string(id) + " outside the vocabulary [0, " + std::to_string(c.vocab_size) + ")");

  for (std::int64_t done = 0; done < total; done += max_batch_) {
    const std::int64_t n = total - done < max_batch_ ? total - done : max_batch_;
    // Outside the graph: the copy's source is pageable host memory.
    copy_to_device(ids_, tokens.data() + done, static_cast<std::size_t>(n) * sizeof(std::int32_t), stream_.get());
    const std::int64_t pos = size_;
    if (model_->position_embd().data) {  // learned positions are looked up like tokens
      host_positions_.resize(static_cast<std::size_t>(n));
      for (std::int64_t i = 0; i < n; ++i) host_positions_[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(pos + i);
      copy_to_device(positions_, host_positions_.data(), static_cast<std::size_t>(n) * sizeof(std::int32_t),
                     stream_.get());
    }
    if (n == 1)
      graph_.run(stream_.get(), [&] { enqueue_forward(1, pos); });
    else
      enqueue_forward(n, pos);
    size_ += n;
  }
  have_logits_ = true;
}

std::vector<float> DeviceContext::logits() {
  LF_CHECK(have_logits_, kOp, "no logits: eval() has not run since the last truncate");
  std::vector<float> out(static_cast<std::size_t>(model_->config().vocab_size));
  copy_to_host(out.data(), logits_, out.size() * sizeof(float), stream_.get());
  stream_.synchronize();
  return out;
}

// The id is picked on the device (kernels/sampling.cu); only 4 bytes come back.
std::int32_t DeviceContext::argmax() {
  LF_CHECK(have_logits_, kOp, "no logits: eval() has not run since the last truncate");
  kernels::argmax(logits_, model_->config().vocab_size, sample_workspace_, sample_workspace_bytes_, next_id_,
                  stream_.get());
  std::int32_t id = -1;
  copy_to_host(&id, next_id_, sizeof id, stream_.get());
  stream_.synchronize();
  LF_CHECK(id >= 0, kOp, "argmax: every logit is NaN");
  return id;
}

std::int32_t DeviceContext::sample(const SamplingParams& params, double uniform) {
  LF_CHECK(have_logits_, kOp, "no logits: eval() has not run since the last truncate");
  if (params.temperature <= 0.0f) return argmax();
  LF_CHECK(params.top_k >= 1 && params.top_k <= kMaxDeviceTopK, kOp,
           "sampling on the device needs top_k in [1, " + std::to_string(kMaxDeviceTopK) + "], got " +
               std::to_string(params.top_k));
  LF_CHECK(params.repetition_penalty == 1.0f && params.presence_penalty == 0.0f && params.frequency_penalty == 0.0f,
           kOp, "sampling on the device takes no penalties (they need the token history on the host)");
  LF_CHECK(uniform >= 0.0 && uniform < 1.0, kOp, "the uniform draw must be in [0, 1), got " + std::to_string(uniform));
  kernels::SampleParams p;
  p.temperature = params.temperature;
  p.top_k = params.top_k;
  p.top_p = params.top_p;
  p.min_p = params.min_p > 0.0f ? params.min_p : 0.0f;
  p.uniform = uniform;
  kernels::sample(logits_, model_->config().vocab_size, p, sample_workspace_, sample_workspace_bytes_, next_id_,
                  stream_.get());
  std::int32_t id = -1;
  copy_to_host(&id, next_id_, sizeof id, stream_.get());
  stream_.synchronize();
  LF_CHECK(id >= 0, kOp, "sample: every logit is NaN");
  return id;
}

}  // namespace lf::cuda
