#!/usr/bin/env python3
"""Checks GGUF files written by lf::write_gguf against the Hugging Face model
they came from, using PyPI's `gguf` package (llama.cpp's gguf-py) as the
independent reader and as the source of llama.cpp's key and tensor names.

For each (gguf file, HF directory) pair it checks:
  - GGUF version 3, general.architecture, and every {arch}.* hyperparameter
    against config.json, with the value types llama.cpp writes (uint32 sizes,
    float32 epsilon / rope base);
  - the tokenizer.ggml.* keys against tokenizer.json / tokenizer_config.json:
    model "gpt2", pre "gpt-2", tokens (vocab + added tokens by id),
    token_type (added special tokens CONTROL, others NORMAL), merges as
    "a b", bos/eos/padding ids, add_bos_token, chat_template;
  - the tensor set: exactly the GGUF names gguf-py's tensor name map gives for
    the safetensors names (plus no output.weight when the embedding is tied),
    each allowed for the architecture by gguf.MODEL_TENSORS;
  - every tensor's type (F32), shape and contents, bit for bit, against the
    safetensors data: GPT-2's Conv1D weights transposed, and Llama's q/k rows
    un-permuted from llama.cpp's interleaved RoPE order back to HF's
    rotate-half order.

Usage (from the repository root; needs gguf, numpy, safetensors; e.g. the
venv of tools/reference/requirements.txt):

    LIVEFORMER_CONVERT_OUT=/tmp/converted build/tests/test_model "[convert]"
    python tools/reference/check_converted_gguf.py /tmp/converted
        # checks /tmp/converted/{gpt2,llama,qwen2}.gguf against
        # tests/data/models/{gpt2,llama,qwen2}
    python tools/reference/check_converted_gguf.py FILE.gguf HF_DIR [FILE.gguf HF_DIR ...]

Exits non-zero (AssertionError) on the first mismatch; prints a summary line
per file. Not part of CI.
"""

import json
import sys
from pathlib import Path

import numpy as np
from gguf import GGUFReader, GGUFValueType as V, GGMLQuantizationType as Q
import gguf
from safetensors.numpy import load_file

REPO = Path(__file__).resolve().parents[2]


def field(reader, key):
    f = reader.fields.get(key)
    assert f is not None, f"missing key {key}"
    return f


def check_value(reader, key, types, expected, approx=False):
    f = field(reader, key)
    assert f.types == types, f"{key}: types {f.types}, expected {types}"
    got = f.contents()
    if approx:
        assert np.float32(got) == np.float32(expected), f"{key}: {got} != {expected}"
    else:
        assert got == expected, f"{key}: {got!r} != {expected!r}"


def hyperparameters(cfg):
    """(arch, {key suffix: (types, value)}) from config.json, llama.cpp's way."""
    t = cfg["model_type"]
    u32 = [V.UINT32]
    if t == "gpt2":
        e = cfg["n_embd"]
        return "gpt2", {
            gguf.Keys.LLM.CONTEXT_LENGTH: (u32, cfg["n_positions"]),
            gguf.Keys.LLM.EMBEDDING_LENGTH: (u32, e),
            gguf.Keys.LLM.BLOCK_COUNT: (u32, cfg["n_layer"]),
            gguf.Keys.LLM.FEED_FORWARD_LENGTH: (u32, cfg.get("n_inner") or 4 * e),
            gguf.Keys.Attention.HEAD_COUNT: (u32, cfg["n_head"]),
            gguf.Keys.Attention.LAYERNORM_EPS: ([V.FLOAT32], cfg["layer_norm_epsilon"]),
        }
    assert t in ("llama", "qwen2"), t
    heads = cfg["num_attention_heads"]
    head_dim = cfg.get("head_dim") or cfg["hidden_size"] // heads
    rope = cfg.get("rope_parameters") or {}
    theta = rope.get("rope_theta", cfg.get("rope_theta", 10000.0))
    return t, {
        gguf.Keys.LLM.CONTEXT_LENGTH: (u32, cfg["max_position_embeddings"]),
        gguf.Keys.LLM.EMBEDDING_LENGTH: (u32, cfg["hidden_size"]),
        gguf.Keys.LLM.BLOCK_COUNT: (u32, cfg["num_hidden_layers"]),
        gguf.Keys.LLM.FEED_FORWARD_LENGTH: (u32, cfg["intermediate_size"]),
        gguf.Keys.Attention.HEAD_COUNT: (u32, heads),
        gguf.Keys.Attention.HEAD_COUNT_KV: (u32, cfg.get("num_key_value_heads", heads)),
        gguf.Keys.Attention.LAYERNORM_RMS_EPS: ([V.FLOAT32], cfg["rms_norm_eps"]),
        gguf.Keys.Rope.FREQ_BASE: ([V.FLOAT32], theta),
        gguf.Keys.Rope.DIMENSION_COUNT: (u32, head_dim),
    }


def check_tokenizer(reader, hf_dir, cfg):
    tok = json.loads((hf_dir / "tokenizer.json").read_text(encoding="utf-8"))
    tcfg = json.loads((hf_dir / "tokenizer_config.json").read_text(encoding="utf-8"))
    vocab = dict(tok["model"]["vocab"])
    special = {}
    for a in tok.get("added_tokens", []):
        vocab[a["content"]] = a["id"]
        special[a["id"]] = a.get("special", False)
    tokens = [None] * (max(vocab.values()) + 1)
    for text, i in vocab.items():
        tokens[i] = text
    assert None not in tokens, "tokenizer.json ids have gaps"
    types = [int(gguf.TokenType.CONTROL if special.get(i) else gguf.TokenType.NORMAL) for i in range(len(tokens))]
    merges = [" ".join(m) if isinstance(m, list) else m for m in tok["model"]["merges"]]

    check_value(reader, gguf.Keys.Tokenizer.MODEL, [V.STRING], "gpt2")
    assert tok["pre_tokenizer"]["type"] == "ByteLevel" and tok["pre_tokenizer"].get("use_regex", True)
    check_value(reader, gguf.Keys.Tokenizer.PRE, [V.STRING], "gpt-2")
    check_value(reader, gguf.Keys.Tokenizer.LIST, [V.ARRAY, V.STRING], tokens)
    check_value(reader, gguf.Keys.Tokenizer.TOKEN_TYPE, [V.ARRAY, V.INT32], types)
    check_value(reader, gguf.Keys.Tokenizer.MERGES, [V.ARRAY, V.STRING], merges)

    def token_id(key):
        text = tcfg.get(key)
        if isinstance(text, dict):
            text = text.get("content")
        return None if text is None else vocab[text]

    for cfg_key, gguf_key in (("bos_token", gguf.Keys.Tokenizer.BOS_ID), ("eos_token", gguf.Keys.Tokenizer.EOS_ID),
                              ("pad_token", gguf.Keys.Tokenizer.PAD_ID), ("unk_token", gguf.Keys.Tokenizer.UNK_ID)):
        want = token_id(cfg_key)
        if want is None:
            assert gguf_key not in reader.fields, f"{gguf_key} written but {cfg_key} is null"
        else:
            check_value(reader, gguf_key, [V.UINT32], want)
    check_value(reader, gguf.Keys.Tokenizer.ADD_BOS, [V.BOOL], bool(tcfg.get("add_bos_token", False)))
    if "chat_template" in tcfg:
        check_value(reader, gguf.Keys.Tokenizer.CHAT_TEMPLATE, [V.STRING], tcfg["chat_template"])
    else:
        assert gguf.Keys.Tokenizer.CHAT_TEMPLATE not in reader.fields


def unpermute_rope_rows(w, n_heads):
    """llama.cpp's permute() inverted: interleaved rows back to rotate-half."""
    return w.reshape(n_heads, w.shape[0] // n_heads // 2, 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def check_file(path, hf_dir):
    reader = GGUFReader(str(path))
    cfg = json.loads((hf_dir / "config.json").read_text())
    arch, hparams = hyperparameters(cfg)
    check_value(reader, "GGUF.version", [V.UINT32], 3)
    check_value(reader, gguf.Keys.General.ARCHITECTURE, [V.STRING], arch)
    for key, (types, value) in hparams.items():
        check_value(reader, key.format(arch=arch), types, value, approx=types == [V.FLOAT32])
    check_value(reader, gguf.Keys.General.FILE_TYPE, [V.UINT32], int(gguf.LlamaFileType.ALL_F32))
    check_tokenizer(reader, hf_dir, cfg)

    st = load_file(str(hf_dir / "model.safetensors"))
    model_arch = next(a for a, n in gguf.MODEL_ARCH_NAMES.items() if n == arch)
    n_layers = hparams[gguf.Keys.LLM.BLOCK_COUNT][1]
    name_map = gguf.get_tensor_name_map(model_arch, n_layers)
    tied = cfg.get("tie_word_embeddings", arch in ("gpt2",))
    expected = {}
    for hf_name, data in st.items():
        name = name_map.get_name(hf_name, try_suffixes=(".weight", ".bias"))
        assert name is not None, f"gguf-py has no GGUF name for {hf_name}"
        if arch == "gpt2" and hf_name.endswith(".weight") and data.ndim == 2 and ".wte." not in hf_name \
                and ".wpe." not in hf_name:
            data = data.T  # Conv1D [in, out] -> Linear [out, in]
        expected[name] = (hf_name, data)
    if not tied:
        assert "output.weight" in expected
    got = {t.name: t for t in reader.tensors}
    assert set(got) == set(expected), f"tensor names differ: {sorted(set(got) ^ set(expected))}"
    allowed = {gguf.TENSOR_NAMES[t] for t in gguf.MODEL_TENSORS[model_arch]}
    heads = hparams.get(gguf.Keys.Attention.HEAD_COUNT)[1]
    kv_heads = hparams.get(gguf.Keys.Attention.HEAD_COUNT_KV, ([], heads))[1]
    for name, t in got.items():
        generic = ".".join(["blk.{bid}"] + name.split(".")[2:-1]) if name.startswith("blk.") else name.rsplit(".", 1)[0]
        assert generic in allowed, f"{name} is not a {arch} tensor for llama.cpp"
        hf_name, want = expected[name]
        assert t.tensor_type == Q.F32, f"{name}: type {t.tensor_type.name}"
        assert list(t.shape) == list(reversed(want.shape)), f"{name}: ne {list(t.shape)} vs {hf_name} {want.shape}"
        data = np.asarray(t.data).reshape(want.shape)
        if arch == "llama" and (".attn_q." in name or ".attn_k." in name):
            data = unpermute_rope_rows(data, heads if ".attn_q." in name else kv_heads)
        assert np.array_equal(data, want), f"{name} differs from {hf_name}"
    print(f"{path}: OK ({arch}, {len(reader.fields)} keys, {len(got)} tensors match {hf_dir})")


def main(argv):
    if len(argv) == 1:
        out = Path(argv[0])
        pairs = [(out / f"{m}.gguf", REPO / "tests" / "data" / "models" / m) for m in ("gpt2", "llama", "qwen2")]
    elif argv and len(argv) % 2 == 0:
        pairs = [(Path(argv[i]), Path(argv[i + 1])) for i in range(0, len(argv), 2)]
    else:
        sys.exit(__doc__)
    for path, hf_dir in pairs:
        check_file(path, hf_dir)


if __name__ == "__main__":
    main(sys.argv[1:])
