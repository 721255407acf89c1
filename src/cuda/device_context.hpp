// One sequence on the device: a KV cache, a preallocated activation arena,
// a stream, a cuBLAS handle and the decode step's CUDA graph, over a shared
// DeviceModel. The device counterpart of lf::forward + lf::KvCache, for the
// Llama family, Qwen2 and GPT-2. Used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include <liveformer/runtime/sampler.hpp>

#include "device_memory.hpp"
#include "device_model.hpp"
#include "gemm.hpp"
#include "step_graph.hpp"

namespace lf::cuda::inline LF_CUDA_FLAVOUR {

class DeviceContext {
 public:
  /// The largest top_k sample() takes (the sampling kernel's limit).
  static constexpr std::int32_t kMaxSampleTopK = 128;
  /// Chunks of up to this many rows multiply 16-bit and quantized weights
  /// with the matvec kernel; longer ones (prefill) with a GEMM.
  static constexpr std::int64_t kMatvecRows = 8;
  /// Default bound of the scratch that q8_0 / q4_0 weights are dequantized
  /// into, a tile of rows at a time, for prefill GEMMs.
  static constexpr std::size_t kDequantTileBytes = std::size_t{16} << 20;

  /// Allocates everything up front: the f32 KV cache for `context_length`
  /// positions and activations for prompt chunks of up to `max_batch`
  /// tokens (longer prompts run chunk by chunk). With q8_0 / q4_0 weights
  /// and max_batch > kMatvecRows, also an f16 dequantization scratch of
  /// min(dequant_tile_bytes, the largest such matrix in f16) bytes, at
  /// least one row.
  DeviceContext(std::shared_ptr<const DeviceModel> model, std::int64_t context_length, std::int64_t max_batch = 64,
                std::size_t dequant_tile_bytes = kDequantTileBytes);

  /// Appends `tokens` at positions size(), size() + 1, ... and leaves the
  /// last one's logits on the device. A single token (a decode step) runs
  /// as a CUDA graph. Throws lf::Error, changing nothing, for a token id
  /// outside the vocabulary or when the context would overflow.
  void eval(std::span<const std::int32_t> tokens);

  /// The last eval()'s logits [vocab], copied to the host (waits for the GPU).
  std::vector<float> logits();
  /// The first maximum of the last logits, picked on the device (waits for it).
  std::int32_t argmax();
  /// Samples from the last logits on the device as lf::Sampler does without
  /// penalties, given its uniform draw in [0, 1) ((rng() >> 11) · 2^-53 of
  /// a std::mt19937_64): temperature (<= 0: argmax), top_k (1..kMaxSampleTopK on
  /// the device), top_p, min_p. Penalties are refused (they need the history).
  std::int32_t sample(const SamplingParams& params, double uniform);

  std::int64_t size() const { return size_; }
  std::int64_t capacity() const { return capacity_; }
  /// Forgets positions from n on (n <= size()).
  void truncate(std::int64_t n);
  /// Makes this context hold the first `n` positions of `from` (a context
  /// over the same DeviceModel): their K/V copied on the device, no logits.
  void copy_prefix(const DeviceContext& from, std::int64_t n);
  /// Bytes of device memory this context holds (cache + arena + scratch).
  std::size_t bytes() const { return kv_.bytes() + arena_.bytes() + dequant_.bytes(); }
  /// Weight rows of `cols` columns one dequantization tile holds (0: no
  /// scratch, the model has no q8_0 / q4_0 projections or batches are short).
  std::int64_t dequant_tile_rows(std::int64_t cols) const;
  /// Decode-step graphs instantiated so far (0 in the emulated build).
  int graph_instantiations() const { return graph_.instantiations(); }

 private:
  void enqueue_forward(std::int64_t n, std::int64_t pos);
  // same_input: `in` is the previous project() call's input, unchanged since.
  void project(const float* in, const DeviceMatrix& w, const DeviceMatrix& bias, float* out, std::int64_t rows,
               bool same_input = false);
  void project_quantized(const float* in, const DeviceMatrix& w, float* out, std::int64_t rows, bool narrowed);
  float* keys(std::int64_t layer) const;
  float* values(std::int64_t layer) const;

  std::shared_ptr<const DeviceModel> model_;
  std::int64_t capacity_ = 0, max_batch_ = 0, size_ = 0;
  DeviceStream stream_;
  GemmHandle gemm_;
  StepGraph graph_;
  DeviceBuffer kv_;     // [layers][K, V][capacity, kv heads, head dim] f32
  DeviceBuffer arena_;  // the activations below, carved once
  float *x_ = nullptr, *h_ = nullptr, *q_ = nullptr, *attn_ = nullptr, *gate_ = nullptr, *up_ = nullptr;
  float *last_ = nullptr, *logits_ = nullptr, *attn_workspace_ = nullptr;
  float* bias_rows_ = nullptr;  // a bias repeated over a chunk's rows
  void* narrow_ = nullptr;      // a chunk's activations as f16 / bf16, for 16-bit GEMMs (null if never needed)
  DeviceBuffer dequant_;        // f16 tiles of q8_0 / q4_0 weight rows (empty if never needed)
  std::optional<DType> narrowed_type_;  // what the last project() left in narrow_ (its input, narrowed)
  std::size_t attn_workspace_bytes_ = 0;
  std::int32_t* ids_ = nullptr;
  std::int32_t* positions_ = nullptr;         // GPT-2's position ids of the chunk
  std::vector<std::int32_t> host_positions_;  // their source, alive until the copy ran
  std::int32_t* next_id_ = nullptr;
  void* sample_workspace_ = nullptr;
  std::size_t sample_workspace_bytes_ = 0;
  bool have_logits_ = false;
};

}  // namespace lf::cuda
