"""Exports a trained demo model to GGUF ("llama" architecture), with our own
writer (gguf_write.py).

  python export_gguf.py --model RUN_DIR/model.pt --tokenizer tokenizer.model --out FILE.gguf [--type f32|q8_0]

Metadata: llama.* hyperparameters; the SentencePiece vocabulary as
tokenizer.ggml.* (model "llama", tokens, scores, token_type, special ids,
add_bos_token false, add_space_prefix from the .model file); a ChatML
tokenizer.chat_template. Tensors use llama.cpp's names; q/k rows are written
as trained because the model already uses interleaved-pair RoPE (model.py).
The output projection is tied to token_embd, so no output.weight is written
(llama.cpp and liveformer then use token_embd.weight); --write-output adds
an explicit copy for loaders that insist on one.

Token types: the .model file's own types (normal 1, unknown 2, control 3,
user-defined 4, unused 5, byte 6: SentencePiece's enum and GGUF's agree),
except that the ChatML markers <|im_start|> / <|im_end|> are exported as
control (3), as llama.cpp does for Qwen's: a loader then parses them only in
template markup, never inside a viewer's comment, and leaves them out of
decoded text. EOS is <|im_end|> (the end of an assistant turn).
"""

from __future__ import annotations

import argparse
import struct
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gguf_write as gw  # noqa: E402
from prompts import IM_END, IM_START  # noqa: E402

CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

TOKEN_NORMAL, TOKEN_UNKNOWN, TOKEN_CONTROL, TOKEN_USER_DEFINED, TOKEN_UNUSED, TOKEN_BYTE = 1, 2, 3, 4, 5, 6


# --- reading SentencePiece's .model (a protobuf ModelProto) ------------------

def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, pos
        shift += 7


def _fields(buf: bytes):
    """Yields (field number, wire type, value) of one protobuf message."""
    pos = 0
    while pos < len(buf):
        tag, pos = _varint(buf, pos)
        field, wire = tag >> 3, tag & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 1:
            value, pos = buf[pos: pos + 8], pos + 8
        elif wire == 2:
            n, pos = _varint(buf, pos)
            value, pos = buf[pos: pos + n], pos + n
        elif wire == 5:
            value, pos = buf[pos: pos + 4], pos + 4
        else:
            raise ValueError(f"tokenizer.model: unsupported protobuf wire type {wire}")
        yield field, wire, value


def _signed32(v: int) -> int:
    return v - (1 << 64) if v >= 1 << 63 else v


def read_spm_model(path: Path) -> dict:
    """pieces, scores, types, unk/bos/eos ids, add_dummy_prefix, model_type."""
    pieces, scores, types = [], [], []
    trainer = {"unk_id": 0, "bos_id": 1, "eos_id": 2, "model_type": 1}
    add_dummy_prefix = True
    for field, _, value in _fields(path.read_bytes()):
        if field == 1:  # SentencePiece
            piece, score, ptype = "", 0.0, TOKEN_NORMAL
            for f, _, v in _fields(value):
                if f == 1:
                    piece = v.decode("utf-8")
                elif f == 2:
                    score = struct.unpack("<f", v)[0]
                elif f == 3:
                    ptype = v
            pieces.append(piece)
            scores.append(score)
            types.append(ptype)
        elif field == 2:  # TrainerSpec
            names = {3: "model_type", 40: "unk_id", 41: "bos_id", 42: "eos_id"}
            for f, _, v in _fields(value):
                if f in names:
                    trainer[names[f]] = _signed32(v)
        elif field == 3:  # NormalizerSpec
            for f, _, v in _fields(value):
                if f == 3:
                    add_dummy_prefix = bool(v)
    return {"pieces": pieces, "scores": scores, "types": types, "add_dummy_prefix": add_dummy_prefix, **trainer}


# --- export -------------------------------------------------------------------

def export(model_path: Path, tokenizer_path: Path, out: Path, wtype: str, name: str, write_output: bool) -> None:
    ck = torch.load(model_path, map_location="cpu", weights_only=False)
    cfg, sd = ck["config"], {k: v.float().numpy() for k, v in ck["model"].items()}
    tok = read_spm_model(tokenizer_path)
    assert tok["model_type"] == 2, "the tokenizer must be SentencePiece BPE (see train_tokenizer.py)"
    assert len(tok["pieces"]) == cfg["vocab_size"], f"tokenizer has {len(tok['pieces'])} pieces, model {cfg['vocab_size']}"
    types = list(tok["types"])
    ids = {p: i for i, p in enumerate(tok["pieces"])}
    for marker in (IM_START, IM_END):
        assert marker in ids, f"{marker} is not in the tokenizer"
        types[ids[marker]] = TOKEN_CONTROL

    head_dim = cfg["dim"] // cfg["n_heads"]
    q8 = wtype == "q8_0"
    w = gw.GgufWriter()
    A = "llama."
    w.add("general.architecture", gw.STRING, "llama")
    w.add("general.name", gw.STRING, name)
    w.add("general.alignment", gw.U32, 32)
    w.add("general.file_type", gw.U32, 7 if q8 else 0)  # llama.cpp: 0 all f32, 7 mostly q8_0
    w.add(A + "vocab_size", gw.U32, cfg["vocab_size"])
    w.add(A + "context_length", gw.U32, cfg["max_seq_len"])
    w.add(A + "embedding_length", gw.U32, cfg["dim"])
    w.add(A + "block_count", gw.U32, cfg["n_layers"])
    w.add(A + "feed_forward_length", gw.U32, cfg["ffn_dim"])
    w.add(A + "attention.head_count", gw.U32, cfg["n_heads"])
    w.add(A + "attention.head_count_kv", gw.U32, cfg["n_kv_heads"])
    w.add(A + "attention.layer_norm_rms_epsilon", gw.F32, cfg["norm_eps"])
    w.add(A + "rope.freq_base", gw.F32, cfg["rope_theta"])
    w.add(A + "rope.dimension_count", gw.U32, head_dim)
    w.add("tokenizer.ggml.model", gw.STRING, "llama")
    w.add("tokenizer.ggml.tokens", gw.ARRAY, tok["pieces"], gw.STRING)
    w.add("tokenizer.ggml.scores", gw.ARRAY, tok["scores"], gw.F32)
    w.add("tokenizer.ggml.token_type", gw.ARRAY, types, gw.I32)
    w.add("tokenizer.ggml.bos_token_id", gw.U32, tok["bos_id"])
    w.add("tokenizer.ggml.eos_token_id", gw.U32, ids[IM_END])
    w.add("tokenizer.ggml.eot_token_id", gw.U32, ids[IM_END])
    w.add("tokenizer.ggml.unknown_token_id", gw.U32, tok["unk_id"])
    w.add("tokenizer.ggml.add_bos_token", gw.BOOL, False)
    w.add("tokenizer.ggml.add_eos_token", gw.BOOL, False)
    w.add("tokenizer.ggml.add_space_prefix", gw.BOOL, tok["add_dummy_prefix"])
    w.add("tokenizer.chat_template", gw.STRING, CHAT_TEMPLATE)

    def matrix(gguf_name: str, key: str) -> None:
        w.add_tensor(gguf_name, sd[key], gw.GGML_Q8_0 if q8 else gw.GGML_F32)

    matrix("token_embd.weight", "tok_embeddings.weight")
    names = {"attn_q": "wq", "attn_k": "wk", "attn_v": "wv", "attn_output": "wo",
             "ffn_gate": "w_gate", "ffn_up": "w_up", "ffn_down": "w_down"}
    for i in range(cfg["n_layers"]):
        b, t = f"blk.{i}.", f"layers.{i}."
        w.add_tensor(b + "attn_norm.weight", sd[t + "attn_norm.weight"])  # norms stay f32
        for g, k in names.items():
            matrix(b + g + ".weight", t + k + ".weight")
        w.add_tensor(b + "ffn_norm.weight", sd[t + "ffn_norm.weight"])
    w.add_tensor("output_norm.weight", sd["norm.weight"])
    if write_output:
        matrix("output.weight", "tok_embeddings.weight")
    out.parent.mkdir(parents=True, exist_ok=True)
    w.write(out)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB, {wtype}, {len(w.tensors)} tensors)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, required=True, help="model.pt (or ckpt.pt) written by train.py")
    ap.add_argument("--tokenizer", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--type", choices=["f32", "q8_0"], default="f32")
    ap.add_argument("--name", default="liveformer-demo-zh-live-commerce")
    ap.add_argument("--write-output", action="store_true", help="also write output.weight (a copy of token_embd)")
    args = ap.parse_args()
    export(args.model, args.tokenizer, args.out, args.type, args.name, args.write_output)


if __name__ == "__main__":
    main()
