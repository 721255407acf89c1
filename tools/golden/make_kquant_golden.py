#!/usr/bin/env python3
"""Golden files for liveformer's dequantization of ggml block types.

For each read-only block type (legacy 32-blocks and K-quants) this writes
random blocks and what gguf-py's reference decoder (gguf.quants.dequantize)
makes of them, into tests/data/dequantize/:

  <type>.blocks   the raw blocks, exactly as they sit in a GGUF file
  <type>.want     the decoded values, little-endian float32

The bytes are random except the f16 scale fields, which are random finite
f16 bit patterns (normal, subnormal, zero, either sign) so every decoder
path is exercised without NaN/Inf. tests/core/test_dequantize_blocks.cpp
compares liveformer's to_f32_row with .want bit for bit; it needs no Python.

Run from the repository root with gguf and numpy installed (versions in
tools/golden/kquant_requirements.txt):
    python tools/golden/make_kquant_golden.py
"""
import pathlib

import numpy as np
from gguf import GGMLQuantizationType as T
from gguf.constants import GGML_QUANT_SIZES
from gguf.quants import dequantize

# Byte offsets of each block's f16 scale fields (ggml's block layouts).
SCALE_OFFSETS = {
    T.Q4_1: (0, 2),
    T.Q5_0: (0,),
    T.Q5_1: (0, 2),
    T.IQ4_NL: (0,),
    T.Q2_K: (80, 82),
    T.Q3_K: (108,),
    T.Q4_K: (0, 2),
    T.Q5_K: (0, 2),
    T.Q6_K: (208,),
}

# About 5 KiB of decoded values per type keeps the fixtures small.
TARGET_ELEMENTS = 1280


def random_finite_f16(rng, count):
    bits = rng.integers(0, 1 << 16, size=count, dtype=np.uint16)
    exponent_all_ones = (bits & 0x7C00) == 0x7C00
    bits[exponent_all_ones] &= 0xBFFF  # clear the exponent's top bit: finite
    return bits


def main():
    out_dir = pathlib.Path(__file__).resolve().parents[2] / "tests" / "data" / "dequantize"
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(25)
    for qtype, offsets in SCALE_OFFSETS.items():
        block_size, block_bytes = GGML_QUANT_SIZES[qtype]
        n_blocks = max(5, TARGET_ELEMENTS // block_size)
        blocks = rng.integers(0, 256, size=(n_blocks, block_bytes), dtype=np.uint8)
        for off in offsets:
            blocks[:, off:off + 2] = random_finite_f16(rng, n_blocks).view(np.uint8).reshape(n_blocks, 2)
        # One block with unit scales keeps a plain case beside the random ones.
        blocks[0, [o for off in offsets for o in (off, off + 1)]] = np.tile(
            np.array([1.0], dtype=np.float16).view(np.uint8), len(offsets))
        want = dequantize(blocks.reshape(-1), qtype).astype(np.float32)
        assert want.shape == (n_blocks * block_size,)
        assert np.isfinite(want).all(), qtype.name
        name = qtype.name.lower()
        (out_dir / f"{name}.blocks").write_bytes(blocks.tobytes())
        (out_dir / f"{name}.want").write_bytes(want.astype("<f4").tobytes())
        print(f"{name}: {n_blocks} blocks, {blocks.nbytes + want.nbytes} bytes")


if __name__ == "__main__":
    main()
