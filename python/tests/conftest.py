"""Shared fixtures: models are loaded once per session."""
import pytest

import liveformer
from testdata import DEMO_MODEL, STORIES, TINY, tiny_dir

_tiny_models = {}


def load_tiny(name):
    if name not in _tiny_models:
        _tiny_models[name] = liveformer.Model(tiny_dir(name))
    return _tiny_models[name]


@pytest.fixture(params=TINY)
def tiny(request):
    """Each tiny reference model in turn (gpt2, llama, qwen2)."""
    return request.param, load_tiny(request.param)


@pytest.fixture
def llama():
    return load_tiny("llama")


@pytest.fixture
def qwen2():
    return load_tiny("qwen2")


@pytest.fixture(scope="session")
def stories():
    path = STORIES / "stories260K.gguf"
    if not path.exists():
        pytest.skip(f"{path} not found (../shared absent)")
    return liveformer.Model(path)


@pytest.fixture(scope="session")
def stories_reference():
    """llama2.c's published greedy text: 200 tokens from BOS."""
    path = STORIES / "greedy-200-from-bos.txt"
    if not path.exists():
        pytest.skip(f"{path} not found (../shared absent)")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def demo():
    """The committed demo model (trained, with a ChatML template): for tests
    that need sensible text, an end-of-sequence token and a chat template."""
    return liveformer.Model(DEMO_MODEL, n_ctx=512)
