#!/usr/bin/env python3
"""Writes the safetensors fixtures under tests/data/safetensors/ with the
reference implementation (Hugging Face `safetensors`, 0.8, via torch), so
the C++ reader is checked against files it did not write.

Usage (from the repository root):
  /work/venv/ref/bin/python tools/reference/make_safetensors_fixtures.py

Element i of a tensor with seed s holds value(i, s) = ((37 i + 11 s) mod 101
- 50) / 16, exact in f32, f16 and bf16; tests/formats/test_safetensors_*.cpp
recompute it (keep the two in step). Files written:

  basic.safetensors    F32 [3,5] "w.f32" (seed 1), F16 [2,4] "w.f16" (2),
                       BF16 [7] "w.bf16" (3), F32 [2,1,3,2] "w.4d" (4),
                       F32 [] "scalar" (5), F32 [0,3] "empty",
                       I64 [4] "ids" = 10, 20, 30, 40, U8 [3] "bytes" = 1, 2, 3,
                       F32 [1,2,1,2,1] "w.5d" (6);
                       __metadata__ {"format": "pt", "source": "liveformer fixture"}
  sharded/             model-00001-of-00002.safetensors: "embed.weight" F32 [4,3] (7),
                                                         "layers.0.w" BF16 [3,3] (8)
                       model-00002-of-00002.safetensors: "layers.1.w" F16 [3,3] (9),
                                                         "lm_head.weight" F32 [4,3] (10)
                       model.safetensors.index.json, as transformers writes it
                       (metadata.total_size = sum of tensor bytes)
"""
import json
import pathlib

import torch
from safetensors.torch import save_file

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "data" / "safetensors"


def value(i, seed):
    return ((i * 37 + seed * 11) % 101 - 50) / 16.0


def sample(shape, dtype, seed):
    n = 1
    for d in shape:
        n *= d
    t = torch.tensor([value(i, seed) for i in range(n)], dtype=torch.float64)
    return t.reshape(shape).to(dtype)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    basic = {
        "w.f32": sample([3, 5], torch.float32, 1),
        "w.f16": sample([2, 4], torch.float16, 2),
        "w.bf16": sample([7], torch.bfloat16, 3),
        "w.4d": sample([2, 1, 3, 2], torch.float32, 4),
        "scalar": sample([], torch.float32, 5),
        "empty": torch.zeros([0, 3], dtype=torch.float32),
        "ids": torch.tensor([10, 20, 30, 40], dtype=torch.int64),
        "bytes": torch.tensor([1, 2, 3], dtype=torch.uint8),
        "w.5d": sample([1, 2, 1, 2, 1], torch.float32, 6),
    }
    save_file(basic, str(OUT / "basic.safetensors"),
              metadata={"format": "pt", "source": "liveformer fixture"})

    shards = {
        "model-00001-of-00002.safetensors": {
            "embed.weight": sample([4, 3], torch.float32, 7),
            "layers.0.w": sample([3, 3], torch.bfloat16, 8),
        },
        "model-00002-of-00002.safetensors": {
            "layers.1.w": sample([3, 3], torch.float16, 9),
            "lm_head.weight": sample([4, 3], torch.float32, 10),
        },
    }
    sharded = OUT / "sharded"
    sharded.mkdir(exist_ok=True)
    weight_map, total = {}, 0
    for file_name, tensors in shards.items():
        save_file(tensors, str(sharded / file_name), metadata={"format": "pt"})
        for name, t in tensors.items():
            weight_map[name] = file_name
            total += t.numel() * t.element_size()
    index = {"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))}
    (sharded / "model.safetensors.index.json").write_text(json.dumps(index, indent=2) + "\n")


if __name__ == "__main__":
    main()
