#!/usr/bin/env python3
"""Writes the PyTorch golden fixtures for liveformer's CPU ops.

Rerun (from the repository root, in a venv built from requirements.txt):

    python3 -m venv /path/to/venv
    /path/to/venv/bin/pip install -r tools/golden/requirements.txt
    /path/to/venv/bin/python tools/golden/make_golden.py

It rewrites tests/data/golden/<case>/ for every case below (and README.md);
the output is deterministic, so an unchanged rerun leaves `git diff` empty.

Every case holds
  * its inputs as float32 .npy files (little-endian, C order), drawn from a
    NumPy generator seeded per case, so adding a case never changes others;
  * want.npy: the expected output as float64, computed by torch in float64
    from the float32 inputs widened exactly. The reference is therefore more
    precise than the float32 code under test, and the C++ test's measured
    error is the error of liveformer alone;
  * meta.json: the op, the scalar parameters (eps, scale, num_heads, ...),
    the input file names and any deliberate departure from torch's output.

Attention tensors are stored in liveformer's token-major layout [T, H, D];
torch's [1, H, T, D] layout exists only inside this script.
"""

import json
import math
import shutil
import zlib
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "data" / "golden"


def rng_for(case: str) -> np.random.Generator:
    # Seed from the case name (crc32 is stable across runs and platforms).
    return np.random.default_rng(zlib.crc32(case.encode()))


def f32(a) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(a, dtype="<f4"))


def t64(a: np.ndarray) -> torch.Tensor:
    """float32 array -> float64 tensor (exact widening)."""
    return torch.from_numpy(np.asarray(a, dtype=np.float64).copy())


def write_case(case: str, op: str, description: str, inputs: dict, want, **params) -> None:
    d = OUT / case
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    for name, arr in inputs.items():
        arr = f32(arr)
        assert arr.dtype.str == "<f4" and arr.flags.c_contiguous
        np.save(d / f"{name}.npy", arr)
    want = np.ascontiguousarray(np.asarray(want, dtype="<f8"))
    np.save(d / "want.npy", want)
    meta = {
        "case": case,
        "op": op,
        "description": description,
        "inputs": sorted(inputs),
        "want": "want.npy",
        "want_shape": list(want.shape),
        "generator": "tools/golden/make_golden.py",
        "torch": torch.__version__,
        "numpy": np.__version__,
    }
    meta.update(params)
    (d / "meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")


def zero_nan_rows(y: torch.Tensor) -> tuple[np.ndarray, int]:
    """torch gives NaN for rows with nothing visible; liveformer's documented
    contract is zeros. Returns the patched array and how many rows changed."""
    y = y.numpy().copy()
    bad = np.isnan(y).all(axis=-1)
    y[bad] = 0.0
    assert not np.isnan(y).any()
    return y, int(bad.sum())


# ---- softmax -----------------------------------------------------------------


def softmax_cases() -> None:
    case = "softmax_7x33"
    r = rng_for(case)
    x = f32(r.standard_normal((7, 33)) * 3.0)
    scale = 0.125
    write_case(case, "softmax", "softmax over the last dim of scale * x", {"x": x},
               F.softmax(t64(x) * scale, dim=-1), scale=scale, causal=False)

    case = "softmax_large"
    r = rng_for(case)
    x = f32(r.uniform(-1e4, 1e4, (4, 33)))
    write_case(case, "softmax", "logits spread over +-1e4: exp overflows unless the row max is subtracted",
               {"x": x}, F.softmax(t64(x), dim=-1), scale=1.0, causal=False)

    case = "softmax_offset"
    r = rng_for(case)
    x = f32(1e4 + r.standard_normal((3, 5, 17)) * 4.0)
    write_case(case, "softmax", "logits near 1e4 that differ by O(1): all of a row matters",
               {"x": x}, F.softmax(t64(x), dim=-1), scale=1.0, causal=False)

    case = "softmax_mask"
    r = rng_for(case)
    x = f32(r.standard_normal((2, 4, 6)) * 2.0)
    mask = np.zeros((4, 6), dtype=np.float32)
    mask[0, [1, 4]] = -np.inf
    mask[1, :] = -1.5 * np.arange(6)  # finite additive entries too
    mask[1, 5] = -np.inf
    mask[2, :] = -np.inf               # fully masked row
    mask[3, 0] = -np.inf
    y, fixed = zero_nan_rows(F.softmax(t64(x) + t64(mask), dim=-1))
    write_case(case, "softmax", "softmax(x + mask), mask [4,6] broadcast over the leading dim of x [2,4,6]",
               {"x": x, "mask": mask}, y, scale=1.0, causal=False,
               fully_masked_rows=[2],
               contract_note=(f"torch yields NaN for the {fixed} fully masked rows (mask row 2 in each batch); "
                              "liveformer's contract is zeros, so want holds 0 there"))

    case = "softmax_causal"
    r = rng_for(case)
    x = f32(r.standard_normal((2, 5, 8)))
    offset = 3
    i = np.arange(5)[:, None]
    j = np.arange(8)[None, :]
    cmask = np.where(j <= i + offset, 0.0, -np.inf)
    write_case(case, "softmax", "causal softmax over [Q=5, N=8]: row i sees columns j <= i + causal_offset",
               {"x": x}, F.softmax(t64(x) + torch.from_numpy(cmask), dim=-1),
               scale=1.0, causal=True, causal_offset=offset)


# ---- layer_norm ----------------------------------------------------------------


def layer_norm_cases() -> None:
    eps = 1e-5
    case = "layer_norm_affine"
    r = rng_for(case)
    x = r.standard_normal((5, 129)) * 2.0 + 3.0  # non-zero mean: catches naive E[x^2]-E[x]^2
    x[4, :] = 3.25                               # constant row: zero variance, output = bias
    x = f32(x)
    w = f32(1.0 + 0.1 * r.standard_normal(129))
    b = f32(0.1 * r.standard_normal(129))
    write_case(case, "layer_norm", "layer_norm with weight and bias; row 4 is constant",
               {"x": x, "weight": w, "bias": b},
               F.layer_norm(t64(x), (129,), t64(w), t64(b), eps), eps=eps, has_bias=True)

    case = "layer_norm_no_bias"
    r = rng_for(case)
    x = f32(r.standard_normal((2, 3, 129)) * 0.5 - 1.0)
    w = f32(1.0 + 0.1 * r.standard_normal(129))
    write_case(case, "layer_norm", "layer_norm with weight only (bias None)",
               {"x": x, "weight": w},
               F.layer_norm(t64(x), (129,), t64(w), None, eps), eps=eps, has_bias=False)


# ---- gelu ----------------------------------------------------------------------


def gelu_cases() -> None:
    for approx, case in (("tanh", "gelu_tanh"), ("none", "gelu_erf")):
        r = rng_for(case)
        x = f32(np.concatenate([np.linspace(-8.0, 8.0, 801), r.uniform(-8.0, 8.0, 223)]).reshape(8, 128))
        write_case(case, "gelu", f"gelu(approximate='{approx}') over [-8, 8]", {"x": x},
                   F.gelu(t64(x), approximate=approx), approximate=approx)


# ---- multi-head attention --------------------------------------------------------


def mha_cases() -> None:
    case = "mha_causal"
    r = rng_for(case)
    T, E, H = 7, 48, 4
    x = f32(r.standard_normal((T, E)))
    w_in = f32(r.standard_normal((3 * E, E)) / math.sqrt(E))
    b_in = f32(0.1 * r.standard_normal(3 * E))
    w_out = f32(r.standard_normal((E, E)) / math.sqrt(E))
    b_out = f32(0.1 * r.standard_normal(E))
    mask = torch.triu(torch.full((T, T), -math.inf, dtype=torch.float64), diagonal=1)
    xt = t64(x).unsqueeze(1)  # (T, 1, E): sequence-first, batch 1
    y, _ = F.multi_head_attention_forward(
        xt, xt, xt, E, H, t64(w_in), t64(b_in), None, None, False, 0.0, t64(w_out), t64(b_out),
        training=False, need_weights=False, attn_mask=mask)
    write_case(case, "multi_head_attention",
               "causal self-attention, fused in_proj [3E,E] rows q,k,v; x and out are [T,E]",
               {"x": x, "in_proj_weight": w_in, "in_proj_bias": b_in,
                "out_proj_weight": w_out, "out_proj_bias": b_out},
               y.squeeze(1), num_heads=H, num_kv_heads=H, head_dim=E // H, causal=True)


# ---- scaled dot-product attention (grouped-query) ----------------------------------


def to_torch(a: np.ndarray) -> torch.Tensor:
    """[T, H, D] float32 -> torch [1, H, T, D] float64."""
    return t64(a).transpose(0, 1).unsqueeze(0)


def sdpa_case(case: str, description: str, hq: int, hkv: int, d: int, tq: int, tk: int, *,
              causal: bool, scale=None, mask=None) -> None:
    r = rng_for(case)
    q = f32(r.standard_normal((tq, hq, d)))
    k = f32(r.standard_normal((tk, hkv, d)))
    v = f32(r.standard_normal((tk, hkv, d)))
    inputs = {"q": q, "k": k, "v": v}
    params = {"num_heads": hq, "num_kv_heads": hkv, "head_dim": d, "causal": causal}
    attn_mask = None
    if causal:
        # torch's is_causal aligns the mask top-left; liveformer aligns the
        # last query with the last key, so spell the mask out.
        offset = tk - tq
        i = np.arange(tq)[:, None]
        j = np.arange(tk)[None, :]
        attn_mask = torch.from_numpy(np.where(j <= i + offset, 0.0, -np.inf))
        params["causal_offset"] = offset
    if mask is not None:
        inputs["mask"] = f32(mask)
        attn_mask = t64(mask) if attn_mask is None else attn_mask + t64(mask)
    if scale is not None:
        params["scale"] = scale
    y = F.scaled_dot_product_attention(to_torch(q), to_torch(k), to_torch(v), attn_mask=attn_mask,
                                       dropout_p=0.0, is_causal=False, scale=scale, enable_gqa=True)
    y, fixed = zero_nan_rows(y[0].transpose(0, 1))  # -> [Tq, Hq, D]
    if fixed:
        params["contract_note"] = (f"torch yields NaN for {fixed} (query, head) rows that see no key; "
                                   "liveformer's contract is zeros, so want holds 0 there")
    write_case(case, "scaled_dot_product_attention", description, inputs, y, **params)


def sdpa_cases() -> None:
    sdpa_case("sdpa_gqa_causal", "prefill, Hq=8 over Hkv=2, causal, default scale 1/sqrt(D)",
              8, 2, 80, 9, 9, causal=True)
    sdpa_case("sdpa_decode", "decode step: one query against 13 cached keys, multi-query (Hkv=1), scale 0.1",
              4, 1, 64, 1, 13, causal=False, scale=0.1)
    sdpa_case("sdpa_prefill_offset",
              "3 new queries are the last 3 of 10 keys: query i sees keys j <= i + (Tk - Tq)",
              4, 2, 32, 3, 10, causal=True)
    mask = np.zeros((4, 6), dtype=np.float32)
    mask[0, 3:] = -np.inf
    mask[1, :] = -0.5 * np.arange(6)
    mask[2, :] = -np.inf  # a query that sees nothing
    sdpa_case("sdpa_mask", "additive mask [Tq,Tk] broadcast over heads; query 2 is fully masked",
              2, 2, 16, 4, 6, causal=False, mask=mask)


README = """\
# Golden fixtures from PyTorch

Generated by `tools/golden/make_golden.py` (versions pinned in
`tools/golden/requirements.txt`); do not edit by hand, rerun the script.
One directory per case: float32 inputs (`*.npy`, little-endian, C order),
`want.npy` (float64, computed by torch in float64 from the float32 inputs)
and `meta.json` (op, scalar parameters, notes). `tests/ops/test_golden.cpp`
runs liveformer's ops on them.
"""


def main() -> None:
    torch.manual_seed(0)  # nothing here draws from torch, but keep it fixed
    OUT.mkdir(parents=True, exist_ok=True)
    softmax_cases()
    layer_norm_cases()
    gelu_cases()
    mha_cases()
    sdpa_cases()
    (OUT / "README.md").write_text(README)
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    assert total < 300 * 1024, f"fixtures grew to {total} bytes"
    print(f"wrote {OUT} ({total} bytes)")


if __name__ == "__main__":
    main()
