"""Where the test data lives and how to read the golden references.

LIVEFORMER_TEST_DATA (default: the repository's tests/data) holds the tiny
Hugging Face reference models and their golden outputs, made by transformers
(tools/reference/README.md). LIVEFORMER_SHARED (default: ../shared next to
the repository) holds stories260K; tests needing it skip when it is absent.
"""
import json
import os
import pathlib

import numpy as np

REPO = pathlib.Path(__file__).resolve().parents[2]
DATA = pathlib.Path(os.environ.get("LIVEFORMER_TEST_DATA", REPO / "tests" / "data"))
SHARED = pathlib.Path(os.environ.get("LIVEFORMER_SHARED", REPO.parent / "shared"))
TINY = ("gpt2", "llama", "qwen2")
STORIES = SHARED / "models" / "stories260K"
DEMO_MODEL = REPO / "models" / "liveformer-demo-zh.gguf"


def tiny_dir(name):
    return DATA / "models" / name


def tiny_config(name):
    with open(tiny_dir(name) / "config.json", encoding="utf-8") as f:
        return json.load(f)


def goldens(name):
    """The golden cases of tests/data/models/<name>/golden/prompts.json."""
    with open(tiny_dir(name) / "golden" / "prompts.json", encoding="utf-8") as f:
        return json.load(f)["prompts"]


def golden(name, case):
    return next(p for p in goldens(name) if p["name"] == case)


def golden_logits(name, case):
    """transformers' logits for every position of the case's prompt, [T, vocab]."""
    return np.load(tiny_dir(name) / "golden" / golden(name, case)["logits"])


def log_softmax(rows):
    """Row-wise log-softmax in float64: the scoring reference."""
    rows = np.asarray(rows, dtype=np.float64)
    shifted = rows - rows.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def os_thread_count():
    """Threads of this process as the kernel sees them (C++ threads included)."""
    return len(os.listdir("/proc/self/task"))
