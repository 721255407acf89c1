"""Recovers what a fine-tune of a shipped GGUF needs: its tokenizer as a
SentencePiece .model and its weights as a train.py model.pt.

  python gguf_init.py GGUF OUT_DIR            -> OUT_DIR/tokenizer.model, tokenizer.vocab, model.pt

The shipped demo model's SentencePiece .model was never committed, but the
GGUF file carries the whole vocabulary (tokenizer.ggml.tokens / scores /
token_type). A SentencePiece BPE encoder needs nothing else: pieces, scores
(merge priority), types, and the options train_tokenizer.py trained with
(identity normalization, no dummy prefix, no whitespace folding, byte
fallback). The ModelProto is written by hand (a few protobuf fields; no
protobuf package needed). The ChatML markers are control tokens in the GGUF
file; here they are user-defined again (as spm_train made them), so that
SentencePiece splits them out of ChatML text as train.py expects.
export_gguf.py turns them back into control tokens.

Weights: q8_0 matrices are dequantized to f32 (gguf-py), the norms are
f32 already; the tensor names are export_gguf.py's mapping in reverse. The
model config comes from the llama.* keys and must equal train.py's preset.

check_tokenizer_gguf.py / README.md ("Stage 4") compare the result with
liveformer (token ids and logits).
"""

from __future__ import annotations

import argparse
import struct
import sys
from pathlib import Path

import numpy as np
import torch
from gguf import GGUFReader
from gguf.quants import dequantize

sys.path.insert(0, str(Path(__file__).resolve().parent))
from model import Config  # noqa: E402
from prompts import IM_END, IM_START  # noqa: E402

TOKEN_CONTROL, TOKEN_USER_DEFINED = 3, 4


# --- protobuf writing (just what a ModelProto needs) -------------------------

def _varint(v: int) -> bytes:
    if v < 0:
        v += 1 << 64
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _key(field: int, wire: int) -> bytes:
    return _varint(field << 3 | wire)


def _pb_varint(field: int, v: int) -> bytes:
    return _key(field, 0) + _varint(v)


def _pb_bytes(field: int, data: bytes) -> bytes:
    return _key(field, 2) + _varint(len(data)) + data


def _pb_float(field: int, v: float) -> bytes:
    return _key(field, 5) + struct.pack("<f", v)


def spm_model_bytes(pieces: list[str], scores: list[float], types: list[int]) -> bytes:
    """A SentencePiece BPE ModelProto (train_tokenizer.py's options)."""
    out = bytearray()
    for piece, score, ptype in zip(pieces, scores, types):
        sp = _pb_bytes(1, piece.encode("utf-8")) + _pb_float(2, score)
        if ptype != 1:  # NORMAL is the default
            sp += _pb_varint(3, ptype)
        out += _pb_bytes(1, sp)
    trainer = (_pb_varint(3, 2)                 # model_type BPE
               + _pb_varint(4, len(pieces))     # vocab_size
               + _pb_varint(25, 1)              # split_digits
               + _pb_varint(35, 1)              # byte_fallback
               + _pb_varint(40, 0) + _pb_varint(41, 1) + _pb_varint(42, 2) + _pb_varint(43, -1))  # unk/bos/eos/pad ids
    normalizer = (_pb_bytes(1, b"identity")
                  + _pb_varint(3, 0)            # add_dummy_prefix false
                  + _pb_varint(4, 0)            # remove_extra_whitespaces false
                  + _pb_varint(5, 1))           # escape_whitespaces true
    out += _pb_bytes(2, trainer) + _pb_bytes(3, normalizer)
    return bytes(out)


def _field(r: GGUFReader, key: str):
    return r.fields[key].contents()


def tokenizer_from_gguf(r: GGUFReader) -> bytes:
    assert _field(r, "tokenizer.ggml.model") == "llama", "only SentencePiece ('llama') vocabularies"
    assert not _field(r, "tokenizer.ggml.add_space_prefix")
    pieces = _field(r, "tokenizer.ggml.tokens")
    scores = [float(s) for s in _field(r, "tokenizer.ggml.scores")]
    types = [int(t) for t in _field(r, "tokenizer.ggml.token_type")]
    for i, piece in enumerate(pieces):
        if piece in (IM_START, IM_END):
            assert types[i] == TOKEN_CONTROL
            types[i] = TOKEN_USER_DEFINED
    return spm_model_bytes(pieces, scores, types)


def _eps(stored: float) -> float:
    """The f32 epsilon in the file back to the Python float train.py's config holds (1e-5)."""
    for eps in (1e-5, 1e-6):
        if abs(stored - eps) < eps * 1e-6:
            return eps
    return stored


def config_from_gguf(r: GGUFReader) -> Config:
    a = "llama."
    return Config(vocab_size=int(_field(r, a + "vocab_size")), dim=int(_field(r, a + "embedding_length")),
                  n_layers=int(_field(r, a + "block_count")), n_heads=int(_field(r, a + "attention.head_count")),
                  n_kv_heads=int(_field(r, a + "attention.head_count_kv")),
                  ffn_dim=int(_field(r, a + "feed_forward_length")), max_seq_len=int(_field(r, a + "context_length")),
                  norm_eps=_eps(float(_field(r, a + "attention.layer_norm_rms_epsilon"))),
                  rope_theta=float(_field(r, a + "rope.freq_base")))


def state_dict_from_gguf(r: GGUFReader) -> dict[str, torch.Tensor]:
    names = {"attn_q": "wq", "attn_k": "wk", "attn_v": "wv", "attn_output": "wo",
             "ffn_gate": "w_gate", "ffn_up": "w_up", "ffn_down": "w_down",
             "attn_norm": "attn_norm", "ffn_norm": "ffn_norm"}
    sd = {}
    for t in r.tensors:
        w = dequantize(t.data, t.tensor_type).astype(np.float32)
        w = w.reshape([int(x) for x in reversed(t.shape)]) if w.ndim > 1 or len(t.shape) > 1 else w.reshape(-1)
        if t.name == "token_embd.weight":
            key = "tok_embeddings.weight"
        elif t.name == "output_norm.weight":
            key = "norm.weight"
        elif t.name.startswith("blk."):
            _, i, g, _ = t.name.split(".")
            key = f"layers.{i}.{names[g]}.weight"
        else:
            raise ValueError(f"unexpected tensor {t.name}")
        sd[key] = torch.from_numpy(np.ascontiguousarray(w))
    return sd


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gguf", type=Path)
    ap.add_argument("out", type=Path)
    args = ap.parse_args()
    r = GGUFReader(args.gguf)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "tokenizer.model").write_bytes(tokenizer_from_gguf(r))
    # spm_train's .vocab layout (piece TAB score): fresh_names.NamePools reads it
    (args.out / "tokenizer.vocab").write_text(
        "".join(f"{t}\t{float(s):g}\n" for t, s in zip(_field(r, "tokenizer.ggml.tokens"), _field(r, "tokenizer.ggml.scores"))),
        encoding="utf-8")
    cfg = config_from_gguf(r)
    from model import Llama
    model = Llama(cfg)
    sd = state_dict_from_gguf(r)
    model.load_state_dict(sd, strict=True)
    torch.save({"config": cfg.to_dict(), "model": model.state_dict()}, args.out / "model.pt")
    print(f"wrote {args.out / 'tokenizer.model'} and {args.out / 'model.pt'} ({model.num_params():,} params, {cfg})")


if __name__ == "__main__":
    main()
