// Converting a loaded model to a GGUF file (llama.cpp's conventions).
#pragma once

#include <filesystem>

#include "liveformer/core/dtype.hpp"
#include "liveformer/model/model.hpp"

namespace lf {

/// Writes `model` (loaded from a Hugging Face directory, a GGUF file, or
/// assembled by hand) as a GGUF version 3 file that llama.cpp's loaders and
/// lf::Model::load accept, with the same config, tokenizer and logits.
///
/// Metadata: general.{architecture, name, file_type, quantization_version},
/// the {arch}.* hyperparameters (context_length, embedding_length,
/// block_count, feed_forward_length, attention.head_count[_kv], the norm
/// epsilon, rope.freq_base / rope.dimension_count for RoPE models,
/// attention.key_length / value_length when head_dim != n_embd / n_heads),
/// the tokenizer.ggml.* keys (model, pre, tokens, token_type, scores, merges,
/// special ids, add_bos/add_eos, add_space_prefix) and
/// tokenizer.chat_template. A tokenizer smaller than the embedding table
/// is padded with unused "[PAD<id>]" tokens (llama.cpp sizes the vocabulary
/// from the token list), so the loaded model's vocabulary then has
/// vocab_size tokens. One model EOS id beyond the tokenizer's own
/// (e.g. Qwen2's <|endoftext|> next to <|im_end|>) is kept as
/// tokenizer.ggml.eot_token_id (the GGUF loader stops at both); further
/// ones are dropped. A tokenizer without EOS takes the model's first.
///
/// Tensors use llama.cpp's names (token_embd, position_embd, blk.N.attn_norm,
/// attn_q/k/v or attn_qkv, attn_output, ffn_norm, ffn_gate/up/down,
/// output_norm, output; output.weight is omitted when tied).
///
/// RoPE layout: GGUF "llama" means interleaved pairs, "qwen2" rotate-half
/// (NeoX). When the model's rope_layout differs from its architecture's
/// GGUF convention (Llama loaded from Hugging Face), the rows of each
/// head's rotary part of the q/k weights and biases are permuted as
/// llama.cpp's convert_hf_to_gguf.py does (interleaved row 2i = rotate-half
/// row i, row 2i+1 = row i + rotary_dim/2), which leaves the logits
/// unchanged.
///
/// `matrix_type` is the storage type of the 2-D matrices: the attention and
/// feed-forward projections, output.weight and token_embd.weight (as
/// convert_hf_to_gguf.py --outtype does; the embedding lookup dequantizes
/// rows). Norms, biases and position_embd stay f32. For q8_0 / q4_0, a
/// matrix whose rows are not a multiple of 32 elements is stored as f16
/// instead (llama.cpp's converter falls back the same way).
///
/// The file is written next to `out` and renamed into place, so `out` may
/// be the file `model` itself was loaded from. Throws lf::Error naming
/// `out` if the model cannot be expressed in GGUF (e.g. a byte-level BPE
/// pre-tokenizer regex llama.cpp has no name for, or weights missing for
/// its architecture) or the file cannot be written.
void write_gguf(const Model& model, const std::filesystem::path& out, DType matrix_type = DType::f32);

}  // namespace lf
