// Scalar decoders for the block types liveformer reads but does not write
// (to_f32_row dispatches here). Each decodes `n_blocks` consecutive blocks
// from `src` into n_blocks * block_size floats at `dst`, with the same f32
// operations, in the same order, as gguf-py's reference (gguf.quants), so
// the results agree bit for bit (tests/core/test_dequantize_blocks.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace lf::detail {

// ggml's legacy 32-element blocks.
void dequantize_q4_1(const std::byte* src, float* dst, std::int64_t n_blocks);
void dequantize_q5_0(const std::byte* src, float* dst, std::int64_t n_blocks);
void dequantize_q5_1(const std::byte* src, float* dst, std::int64_t n_blocks);
void dequantize_iq4_nl(const std::byte* src, float* dst, std::int64_t n_blocks);

// ggml's 256-element K-quant super-blocks.
void dequantize_q2_k(const std::byte* src, float* dst, std::int64_t n_blocks);
void dequantize_q3_k(const std::byte* src, float* dst, std::int64_t n_blocks);
void dequantize_q4_k(const std::byte* src, float* dst, std::int64_t n_blocks);
void dequantize_q5_k(const std::byte* src, float* dst, std::int64_t n_blocks);
void dequantize_q6_k(const std::byte* src, float* dst, std::int64_t n_blocks);

}  // namespace lf::detail
