// Rotary position embeddings (RoPE).
#pragma once

#include <cstdint>
#include <span>

#include "liveformer/core/tensor.hpp"

namespace lf {

enum class RopeLayout {
  /// Rotates adjacent pairs (x[2i], x[2i+1]): GGUF / llama.cpp "normal"
  /// (Llama models converted to GGUF, e.g. stories260K).
  Interleaved,
  /// Rotates (x[i], x[i + d/2]): GPT-NeoX and Hugging Face's rotate_half
  /// (Qwen2, Llama in safetensors).
  RotateHalf,
};

struct RopeOptions {
  RopeLayout layout = RopeLayout::Interleaved;
  float theta = 10000.0f;  // frequency base
  /// Number of leading dimensions of each head that rotate (0: all). Must
  /// be even; the rest pass through (partial rotary embeddings).
  std::int64_t rotary_dim = 0;
  /// Position of token 0 when `positions` is empty (a decode step's cache
  /// length).
  std::int64_t position_offset = 0;
};

/// Rotates every head of every token: x, out: f32 [T, H, D], contiguous; out
/// may be x. Token t sits at positions[t] if given (one per token, for
/// batches of sequences at different lengths), else position_offset + t.
/// Pair i of a head is rotated by angle pos · theta^(-2i / rotary_dim).
void rope(const Tensor& x, Tensor& out, const RopeOptions& options = {},
          std::span<const std::int32_t> positions = {});

}  // namespace lf
