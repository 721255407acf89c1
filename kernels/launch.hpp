// Host entry points of the CUDA kernels: plain C++, so the (future) CUDA
// backend compiled by the host compiler can call them. Pointers are device
// pointers in the real build and host pointers in the emulated build (the
// tests). Each throws lf::Error naming the op for bad arguments or a failed
// launch. Launches are asynchronous on a GPU, as CUDA launches are.
#pragma once

#include <cstddef>
#include <cstdint>

#include <liveformer/core/dtype.hpp>

#include "flavour.hpp"

struct CUstream_st;  // = cudaStream_t's pointee, without the CUDA headers

namespace lf::kernels::inline LF_CUDA_FLAVOUR {

/// A CUDA stream (cudaStream_t); nullptr is the default stream.
using Stream = CUstream_st*;

/// out = x / sqrt(mean(x²) + eps) * weight per row, as lf::rms_norm.
/// x, out: [rows, cols] contiguous f32 (out may equal x); weight: [cols].
void rms_norm(const float* x, const float* weight, float* out, std::int64_t rows, std::int64_t cols, float eps,
              Stream stream = nullptr);

/// What lf::SoftmaxOptions says, for flat pointers.
struct SoftmaxParams {
  float scale = 1.0f;
  /// Additive mask of [mask_rows, cols]; input row r uses mask row
  /// r % mask_rows (so [Q, N] broadcasts over heads). nullptr: no mask.
  const float* mask = nullptr;
  std::int64_t mask_rows = 1;
  /// Causal: row r is query r % q_len and sees columns j <= r % q_len + causal_offset.
  bool causal = false;
  std::int64_t q_len = 1;
  std::int64_t causal_offset = 0;
};

/// out = softmax(scale * x + mask) per row, rows with nothing visible give
/// zeros, as lf::softmax. x, out: [rows, cols] contiguous f32 (out may equal x).
void softmax(const float* x, float* out, std::int64_t rows, std::int64_t cols, const SoftmaxParams& params,
             Stream stream = nullptr);

/// out = x · sigmoid(x), n elements (out may equal x).
void silu(const float* x, float* out, std::int64_t n, Stream stream = nullptr);

/// out = silu(gate) · up, n elements (out may equal gate or up).
void swiglu(const float* gate, const float* up, float* out, std::int64_t n, Stream stream = nullptr);

/// out = silu(gate + gate_bias) · (up + up_bias), biases of [cols] broadcast
/// over rows (either may be null); n = rows · cols elements.
void swiglu_bias(const float* gate, const float* gate_bias, const float* up, const float* up_bias, float* out,
                 std::int64_t n, std::int64_t cols, Stream stream = nullptr);

/// The GELU variants of lf::GeluApprox.
enum class GeluKind { tanh, erf };

/// out = gelu(x + bias), bias of [cols] broadcast over rows (null: none);
/// n = rows · cols elements. out may equal x.
void gelu(const float* x, const float* bias, float* out, std::int64_t n, std::int64_t cols, GeluKind kind,
          Stream stream = nullptr);

/// out = a + b, n elements (out may equal a or b): the residual connection.
void residual_add(const float* a, const float* b, float* out, std::int64_t n, Stream stream = nullptr);

/// out = x + bias, bias of [cols] broadcast over rows; n = rows · cols
/// (out may equal x).
void bias_add(const float* x, const float* bias, float* out, std::int64_t n, std::int64_t cols,
              Stream stream = nullptr);

/// out = x rounded to f16 or bf16 (nearest even), n elements: activations
/// for 16-bit GEMMs.
void narrow(const float* x, DType type, void* out, std::int64_t n, Stream stream = nullptr);

/// out = (x - mean) / sqrt(var + eps) · weight + bias per row, as
/// lf::layer_norm. bias may be null. x, out: [rows, cols] (out may equal x).
void layer_norm(const float* x, const float* weight, const float* bias, float* out, std::int64_t rows,
                std::int64_t cols, float eps, Stream stream = nullptr);

/// lf::RopeOptions for flat pointers.
struct RopeParams {
  bool rotate_half = false;  ///< false: interleaved pairs (2i, 2i+1); true: (i, i + rot/2), GPT-NeoX
  float theta = 10000.0f;
  std::int64_t rotary_dim = 0;  ///< leading dims of each head that rotate (0: all); even
  std::int64_t position_offset = 0;
  const std::int32_t* positions = nullptr;  ///< one per token, or null: position_offset + t
};

/// Rotates x: [tokens, heads, head_dim] as lf::rope; out may equal x.
void rope(const float* x, float* out, std::int64_t tokens, std::int64_t heads, std::int64_t head_dim,
          const RopeParams& params, Stream stream = nullptr);

/// out[t, :] = table[ids[t], :] as f32; table: [vocab, cols] of f32, f16 or
/// bf16. An id outside [0, vocab) gives a zero row and sets *bad_id to 1
/// (if bad_id is not null; the caller zeroes it first and checks it after).
void embedding(const void* table, DType type, std::int64_t vocab, std::int64_t cols, const std::int32_t* ids,
               std::int64_t count, float* out, int* bad_id, Stream stream = nullptr);

/// out = x · wᵀ for decode-sized x, as lf::matmul_weights but with x kept
/// in f32 (no q8_0 rounding of x, so it is closer to the exact product).
/// w: [n_out, k] as stored, f16 | bf16 | q8_0 | q4_0 (GGUF blocks; k a
/// multiple of 32 for those). x: [rows, k] contiguous f32, 16-byte aligned
/// when k % 8 == 0; out: [rows, n_out]. Rows go 4 at a time through one read
/// of the weights; meant for rows <= 8 (prefill uses the GEMM path).
void matvec(const void* w, DType type, const float* x, float* out, std::int64_t rows, std::int64_t n_out,
            std::int64_t k, Stream stream = nullptr);

/// out = n weights of GGUF q8_0 / q4_0 blocks (n a multiple of 32, w
/// 2-byte aligned) as f16, each the CPU's dequantized value (lf::to_f32_row)
/// rounded to f16 once; out 16-byte aligned. For prefill GEMMs over
/// quantized weights, a tile of rows at a time.
void dequantize_to_f16(const void* w, DType type, void* out, std::int64_t n, Stream stream = nullptr);

/// What lf::scaled_dot_product_attention takes, for flat pointers.
struct AttentionParams {
  std::int64_t tq = 0, tk = 0;    ///< query and key tokens
  std::int64_t hq = 1, hkv = 1;   ///< query and KV heads; hkv divides hq (query head h reads KV head h / (hq/hkv))
  std::int64_t d = 0, dv = 0;     ///< head dims of q/k and of v (at most 256)
  /// Elements between consecutive tokens of q, k and v (>= heads · head dim:
  /// views into a fused QKV buffer or a KV cache); the head dim is contiguous.
  std::int64_t q_stride = 0, k_stride = 0, v_stride = 0;
  float scale = 1.0f;
  bool causal = false;
  std::int64_t causal_offset = 0;  ///< query t sees key j <= t + causal_offset (tk - tq for a KV cache)
  /// Additive mask element (h, t, j) at mask[h·mask_h_stride + t·mask_q_stride + j·mask_k_stride]
  /// (stride 0 broadcasts); null: none.
  const float* mask = nullptr;
  std::int64_t mask_h_stride = 0, mask_q_stride = 0, mask_k_stride = 1;
  /// Key splits (flash-decoding): 0 chooses from the shape (splitting only
  /// with a workspace), n > 0 forces n (then a workspace is required for n > 1).
  std::int64_t num_splits = 0;
};

/// Bytes of workspace `splits` key splits need (partial outputs, max, sum).
std::size_t attention_workspace_bytes(std::int64_t tq, std::int64_t hq, std::int64_t dv, std::int64_t splits);

/// out = softmax(q kᵀ · scale + mask) v per head, as
/// lf::scaled_dot_product_attention: q f32 [tq, hq, d], k [tk, hkv, d] and
/// v [tk, hkv, dv] of kv_type (f32, f16, bf16), out f32 [tq, hq, dv]
/// contiguous. A query that sees no key gets zeros. workspace (optional,
/// device memory of workspace_bytes) lets the launcher split the keys when
/// the grid would be too small to fill the GPU (decode).
void attention(const float* q, const void* k, const void* v, DType kv_type, float* out, const AttentionParams& params,
               float* workspace = nullptr, std::size_t workspace_bytes = 0, Stream stream = nullptr);

/// lf::SamplingParams without the penalties, plus the random draw: the
/// host draws `uniform` in [0, 1) exactly as lf::Sampler does ((rng() >> 11)
/// · 2^-53 from its std::mt19937_64), so the same draw picks the same token.
struct SampleParams {
  float temperature = 0.8f;  ///< <= 0: argmax
  std::int32_t top_k = 40;   ///< 1..128 on the device (ignored for argmax)
  float top_p = 0.95f;       ///< >= 1: off
  float min_p = 0.05f;       ///< 0: off
  double uniform = 0.0;
};

/// Device memory sample() needs for this vocabulary and top_k.
std::size_t sample_workspace_bytes(std::int64_t vocab, std::int32_t top_k);

/// Picks the next token from one row of logits [vocab] on the device and
/// writes its id to *out_id (device memory): top-k by logit (ties: smaller
/// id), softmax with temperature, top-p, min-p, then the candidate where the
/// cumulative probability passes uniform · (kept mass), as lf::Sampler.
/// NaN logits are skipped (an all-NaN row gives -1).
void sample(const float* logits, std::int64_t vocab, const SampleParams& params, void* workspace,
            std::size_t workspace_bytes, std::int32_t* out_id, Stream stream = nullptr);

/// The first maximum of logits (temperature 0).
void argmax(const float* logits, std::int64_t vocab, void* workspace, std::size_t workspace_bytes,
            std::int32_t* out_id, Stream stream = nullptr);

}  // namespace lf::kernels
