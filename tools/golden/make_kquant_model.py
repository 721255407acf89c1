#!/usr/bin/env python3
"""A tiny random llama GGUF whose matrices are K-quants, for the end-to-end
test tests/model/test_kquant_model.cpp.

The committed tiny llama (tests/data/models/llama) has rows of 64 and 172
elements, too short for K-quant super-blocks (256), so this builds a wider
one (d_model 256, 4 heads of 64, 2 KV heads, FFN 512, 1 layer) with that
model's tokenizer, and quantizes its matrices with the simple reference
quantizers below (any valid encoding will do: the test compares the file
with its own dequantized values):

  token_embd, attn_v, ffn_down, output   Q6_K
  attn_q, attn_output, ffn_gate          Q4_K
  attn_k, ffn_up                         Q5_K

Each encoding is checked against gguf-py's decoder (gguf.quants.dequantize)
before writing. With --f32-twin the same dequantized values are also
written as F32 (the test makes that twin itself, so it is not committed).

Usage, from the repository root (versions in kquant_requirements.txt):
    liveformer convert -m tests/data/models/llama -o /tmp/llama_f32.gguf --type f32
    python tools/golden/make_kquant_model.py /tmp/llama_f32.gguf \
        tests/data/models/llama_kquant/model.gguf [--f32-twin /tmp/twin.gguf]
"""
import argparse

import numpy as np
from gguf import GGMLQuantizationType as T
from gguf import GGUFReader, GGUFWriter
from gguf.quants import dequantize

QK_K = 256
D_MODEL, N_HEAD, N_HEAD_KV, FFN, N_LAYER, CONTEXT = 256, 4, 2, 512, 1, 128
HEAD_DIM = D_MODEL // N_HEAD


def f16_bytes(values):
    return np.asarray(values, dtype=np.float16).reshape(-1, 1).view(np.uint8)


def pack_scale_min_6bit(sc, m):
    """Q4_K/Q5_K's 12 bytes for eight 6-bit scales and mins (rows of blocks)."""
    out = np.zeros((sc.shape[0], 12), dtype=np.uint8)
    out[:, 0:4] = (sc[:, 0:4] & 63) | ((sc[:, 4:8] >> 4) << 6)
    out[:, 4:8] = (m[:, 0:4] & 63) | ((m[:, 4:8] >> 4) << 6)
    out[:, 8:12] = (sc[:, 4:8] & 15) | ((m[:, 4:8] & 15) << 4)
    return out


def quantize_asymmetric_k(x, bits):
    """Q4_K (bits 4) / Q5_K (bits 5) blocks for x of shape (n_blocks, 256):
    x ~ d*sc*q - dmin*m per 32-element sub-block."""
    n = x.shape[0]
    top = (1 << bits) - 1
    sub = x.reshape(n, 8, 32).astype(np.float64)
    lo = np.minimum(sub.min(axis=-1), 0.0)
    hi = sub.max(axis=-1)
    step = (hi - lo) / top  # per sub-block quantization step
    d = f16_bytes(step.max(axis=-1) / 63).view(np.float16).astype(np.float64).reshape(n)
    dmin = f16_bytes((-lo).max(axis=-1) / 63).view(np.float16).astype(np.float64).reshape(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        sc = np.where(d[:, None] > 0, np.clip(np.round(step / d[:, None]), 1, 63), 0).astype(np.uint8)
        m = np.where(dmin[:, None] > 0, np.clip(np.round(-lo / dmin[:, None]), 0, 63), 0).astype(np.uint8)
        scale = d[:, None] * sc
        q = np.where(scale[..., None] > 0, np.round((sub + (dmin[:, None] * m)[..., None]) / scale[..., None]), 0)
    q = np.clip(q, 0, top).astype(np.uint8).reshape(n, 4, 2, 32)  # element 64c + 32s + l
    qs = (q[:, :, 0, :] & 15) | ((q[:, :, 1, :] & 15) << 4)
    parts = [f16_bytes(d), f16_bytes(dmin), pack_scale_min_6bit(sc, m)]
    if bits == 5:  # fifth bit of element 32j + l is bit j of byte l
        high = (q.reshape(n, 8, 32) >> 4).astype(np.uint8)
        parts.append(np.bitwise_or.reduce(high << np.arange(8, dtype=np.uint8)[None, :, None], axis=1))
    parts.append(qs.reshape(n, 128))
    return np.concatenate(parts, axis=-1)


def quantize_q6_k(x):
    """Q6_K blocks: x ~ d * scale * (q - 32) with int8 scales per 16 elements."""
    n = x.shape[0]
    sub = x.reshape(n, 16, 16).astype(np.float64)
    step = np.abs(sub).max(axis=-1) / 31
    d = f16_bytes(step.max(axis=-1) / 127).view(np.float16).astype(np.float64).reshape(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        sc = np.where(d[:, None] > 0, np.clip(np.round(step / d[:, None]), 1, 127), 0).astype(np.int8)
        scale = d[:, None] * sc
        q = np.where(scale[..., None] > 0, np.round(sub / scale[..., None]), 0)
    q = (np.clip(q, -32, 31) + 32).astype(np.uint8).reshape(n, 2, 128)  # element 128h + r
    low = q & 15
    ql = low[:, :, 0:64] | (low[:, :, 64:128] << 4)  # nibble r // 64 of byte 64h + r % 64
    high = (q >> 4).reshape(n, 2, 4, 32)  # bits 2t of byte 32h + m for r = 32t + m
    qh = high[:, :, 0] | (high[:, :, 1] << 2) | (high[:, :, 2] << 4) | (high[:, :, 3] << 6)
    return np.concatenate([ql.reshape(n, 128), qh.reshape(n, 64), sc.view(np.uint8), f16_bytes(d)], axis=-1)


QUANTIZERS = {
    T.Q4_K: lambda x: quantize_asymmetric_k(x, 4),
    T.Q5_K: lambda x: quantize_asymmetric_k(x, 5),
    T.Q6_K: quantize_q6_k,
}


def quantize_matrix(w, qtype):
    rows, cols = w.shape
    blocks = QUANTIZERS[qtype](w.reshape(-1, QK_K).astype(np.float32)).reshape(rows, -1)
    back = dequantize(blocks, qtype).reshape(rows, cols)
    # The encoding must mean what it was meant to: within a few steps of w.
    err = np.abs(back - w).max() / np.abs(w).max()
    assert err < {T.Q4_K: 0.2, T.Q5_K: 0.1, T.Q6_K: 0.05}[qtype], (qtype.name, err)
    return blocks, back.astype(np.float32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tokenizer_gguf", help="a GGUF with the tiny llama's tokenizer (liveformer convert output)")
    ap.add_argument("out")
    ap.add_argument("--f32-twin", help="also write the dequantized values as F32 here")
    ap.add_argument("--shape", help="D_MODEL,N_HEAD,N_HEAD_KV,FFN,N_LAYER for a benchmark-sized model "
                    "(default: the test fixture's 256,4,2,512,1)")
    args = ap.parse_args()
    if args.shape:
        global D_MODEL, N_HEAD, N_HEAD_KV, FFN, N_LAYER, HEAD_DIM
        D_MODEL, N_HEAD, N_HEAD_KV, FFN, N_LAYER = (int(v) for v in args.shape.split(","))
        HEAD_DIM = D_MODEL // N_HEAD

    src = GGUFReader(args.tokenizer_gguf)
    field = lambda key: src.fields[key].contents()
    vocab = len(field("tokenizer.ggml.tokens"))
    rng = np.random.default_rng(25)
    normal = lambda *shape, std: (rng.standard_normal(shape) * std).astype(np.float32)

    mats = {"token_embd.weight": (normal(vocab, D_MODEL, std=1.0), T.Q6_K)}
    norms = {"output_norm.weight": 1 + normal(D_MODEL, std=0.1)}
    for i in range(N_LAYER):
        b = f"blk.{i}."
        mats[b + "attn_q.weight"] = (normal(D_MODEL, D_MODEL, std=0.08), T.Q4_K)
        mats[b + "attn_k.weight"] = (normal(N_HEAD_KV * HEAD_DIM, D_MODEL, std=0.08), T.Q5_K)
        mats[b + "attn_v.weight"] = (normal(N_HEAD_KV * HEAD_DIM, D_MODEL, std=0.08), T.Q6_K)
        mats[b + "attn_output.weight"] = (normal(D_MODEL, D_MODEL, std=0.06), T.Q4_K)
        mats[b + "ffn_gate.weight"] = (normal(FFN, D_MODEL, std=0.06), T.Q4_K)
        mats[b + "ffn_up.weight"] = (normal(FFN, D_MODEL, std=0.06), T.Q5_K)
        mats[b + "ffn_down.weight"] = (normal(D_MODEL, FFN, std=0.04), T.Q6_K)
        norms[b + "attn_norm.weight"] = 1 + normal(D_MODEL, std=0.1)
        norms[b + "ffn_norm.weight"] = 1 + normal(D_MODEL, std=0.1)
    mats["output.weight"] = (normal(vocab, D_MODEL, std=0.06), T.Q6_K)

    writers = [(GGUFWriter(args.out, "llama"), True)]
    if args.f32_twin:
        writers.append((GGUFWriter(args.f32_twin, "llama"), False))
    quantized = {name: quantize_matrix(w, qtype) for name, (w, qtype) in mats.items()}
    for w, is_quant in writers:
        w.add_name("llama-kquant-test")
        w.add_file_type(18 if is_quant else 0)  # llama_ftype Q6_K (mixed here) / ALL_F32
        w.add_context_length(CONTEXT)
        w.add_embedding_length(D_MODEL)
        w.add_block_count(N_LAYER)
        w.add_feed_forward_length(FFN)
        w.add_head_count(N_HEAD)
        w.add_head_count_kv(N_HEAD_KV)
        w.add_layer_norm_rms_eps(1e-5)
        w.add_rope_freq_base(10000.0)
        w.add_rope_dimension_count(HEAD_DIM)
        w.add_tokenizer_model(field("tokenizer.ggml.model"))
        w.add_tokenizer_pre(field("tokenizer.ggml.pre"))
        w.add_token_list(field("tokenizer.ggml.tokens"))
        w.add_token_types(field("tokenizer.ggml.token_type"))
        w.add_token_merges(field("tokenizer.ggml.merges"))
        w.add_bos_token_id(field("tokenizer.ggml.bos_token_id"))
        w.add_eos_token_id(field("tokenizer.ggml.eos_token_id"))
        w.add_add_bos_token(field("tokenizer.ggml.add_bos_token"))
        w.add_add_eos_token(field("tokenizer.ggml.add_eos_token"))
        for name in mats:
            blocks, back = quantized[name]
            if is_quant:
                w.add_tensor(name, blocks, raw_dtype=mats[name][1])
            else:
                w.add_tensor(name, back)
        for name, v in norms.items():
            w.add_tensor(name, v)
        w.write_header_to_file()
        w.write_kv_data_to_file()
        w.write_tensors_to_file()
        w.close()


if __name__ == "__main__":
    main()
