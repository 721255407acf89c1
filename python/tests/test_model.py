"""Loading, model properties, tokenize / detokenize against transformers' ids."""
import pathlib
import re

import pytest

import liveformer
from testdata import REPO, goldens, tiny_config, tiny_dir


def test_version_is_the_projects():
    text = (REPO / "CMakeLists.txt").read_text(encoding="utf-8")
    version = re.search(r"project\(liveformer\s+VERSION\s+([0-9.]+)", text).group(1)
    assert liveformer.__version__ == version
    assert liveformer.API_VERSION >= 1


def test_properties_match_config(tiny):
    name, model = tiny
    config = tiny_config(name)
    assert model.architecture == name
    assert model.vocab_size == config["vocab_size"] == 402
    assert model.n_embd == config.get("hidden_size", config.get("n_embd"))
    assert model.n_layers == config.get("num_hidden_layers", config.get("n_layer"))
    assert model.n_ctx_train == config.get("max_position_embeddings", config.get("n_positions"))
    assert model.eos_id == config["eos_token_id"]
    assert model.bos_id is None or 0 <= model.bos_id < model.vocab_size
    # n_ctx = 0 means the trained length (these are all below 4096).
    assert model.n_ctx == model.n_ctx_train
    assert name in repr(model) and str(tiny_dir(name)) in repr(model)
    assert model.path == str(tiny_dir(name))


def test_path_may_be_str_or_pathlike_and_n_ctx_is_kept():
    path = tiny_dir("llama")
    assert isinstance(path, pathlib.Path)
    model = liveformer.Model(str(path), n_ctx=32, n_threads=1, check_finite=False)
    assert model.n_ctx == 32
    assert model.architecture == "llama"


def test_tokenize_matches_transformers(tiny):
    name, model = tiny
    for case in goldens(name):
        # The golden ids were made with add_special_tokens=False and added
        # tokens matched in the text: parse_special=True.
        assert model.tokenize(case["text"], parse_special=True) == case["input_ids"], case["name"]


def test_special_tokens_are_text_unless_parsed(llama):
    assert llama.tokenize("<|endoftext|>", parse_special=True) == [0]
    plain = llama.tokenize("<|endoftext|>")
    assert 0 not in plain and len(plain) > 1
    assert llama.detokenize(plain) == "<|endoftext|>"


def test_detokenize_inverts_the_golden_ids(tiny):
    name, model = tiny
    for case in goldens(name):
        assert model.detokenize(case["input_ids"]) == case["text"], case["name"]


def test_detokenize_skip_special(qwen2):
    ids = qwen2.tokenize("<|im_start|>user\nhi<|im_end|>", parse_special=True)
    assert ids[0] == 400 and ids[-1] == 401
    assert qwen2.detokenize(ids, skip_special=True) == "user\nhi"


def test_incomplete_character_becomes_replacement(llama):
    # A Chinese character is three UTF-8 bytes; find one the tokenizer
    # splits into several tokens and cut it.
    for ch in "播好个多少钱包邮吗直间":
        ids = llama.tokenize(ch)
        if len(ids) > 1:
            assert llama.detokenize(ids) == ch
            assert llama.detokenize(ids[:-1]) == "\ufffd"
            return
    pytest.skip("every probe character is a single token")


def test_empty_inputs(llama):
    assert llama.tokenize("") == []
    assert llama.detokenize([]) == ""


def test_quantize_on_load_keeps_greedy_text_close_and_rejects_unknown_types():
    path = tiny_dir("qwen2")
    exact = liveformer.Model(path, n_threads=2)
    q8 = liveformer.Model(path, n_threads=2, quantize="q8_0")
    prompt = [5, 9, 33, 7]
    a, b = exact.logits(prompt), q8.logits(prompt)
    assert a.shape == b.shape
    # q8_0 rounds every weight (these tiny random models amplify it: the C++
    # tests measure <= 4.2e-2); different, but not garbage.
    rel = float(((a - b) ** 2).sum() ** 0.5 / (a**2).sum() ** 0.5)
    assert 0 < rel < 1e-1
    with pytest.raises(liveformer.Error, match="q5_k"):
        liveformer.Model(path, quantize="q5_k")


def test_kv_type_f16_bf16_and_q8_0_stay_close_to_f32():
    # The demo model's heads are 32 wide, as q8_0 blocks need. Its weights are
    # q8_0, so every product rounds its input to 8 bits too: the C++ tests
    # measure the cache's own rounding on f32 weights (q8_0: 6.1e-3).
    path = REPO / "models" / "liveformer-demo-zh.gguf"
    prompt = list(range(10, 40))
    ref = liveformer.Model(path, n_threads=2).logits(prompt)
    for kv_type in ("f16", "bf16", "q8_0"):
        got = liveformer.Model(path, n_threads=2, kv_type=kv_type).logits(prompt)
        assert got.shape == ref.shape
        rel = float(((got - ref) ** 2).sum() ** 0.5 / (ref**2).sum() ** 0.5)
        assert 0 < rel < 1e-1, kv_type
