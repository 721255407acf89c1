"""logits() against transformers' golden logits; score() against the
log-softmax of those logits and transformers' golden log-probabilities."""
import numpy as np
import pytest

import liveformer
from testdata import golden, goldens, golden_logits, log_softmax, tiny_dir


def relative_error(got, want):
    return float(np.max(np.abs(got - want)) / np.max(np.abs(want)))


def test_logits_equal_transformers(tiny):
    name, model = tiny
    for case in goldens(name):
        got = model.logits(case["input_ids"])
        want = golden_logits(name, case["name"])
        assert got.dtype == np.float32 and got.shape == want.shape == (len(case["input_ids"]), 402)
        assert relative_error(got, want) < 1e-4, case["name"]


def test_logits_of_text_add_special(llama):
    text = goldens("llama")[0]["text"]
    np.testing.assert_array_equal(llama.logits(text), llama.logits(llama.tokenize(text, add_special=True)))


def test_score_equals_golden_logprobs(tiny):
    name, model = tiny
    case = golden(name, "zh_price")
    ids = case["input_ids"]
    want = np.load(tiny_dir(name) / "golden" / case["logprobs"])  # float64 [T-1], from transformers
    [total] = model.score(ids[:1], [ids[1:]])
    assert total == pytest.approx(case["logprob_sum"], abs=1e-3)
    [per] = model.score(ids[:1], [ids[1:]], per_token=True)
    np.testing.assert_allclose(per, want, atol=1e-4)


def test_score_equals_log_softmax_of_logits(llama):
    ids = goldens("llama")[1]["input_ids"]
    prefix = ids[:5]
    conts = [ids[5:], ids[5:7], [7], [300, 301, 302]]
    totals = llama.score(prefix, conts)
    per = llama.score(prefix, conts, per_token=True)
    assert len(totals) == len(per) == len(conts)
    for cont, total, row in zip(conts, totals, per):
        lp = log_softmax(llama.logits(prefix + cont))
        want = [lp[len(prefix) - 1 + j, tok] for j, tok in enumerate(cont)]
        np.testing.assert_allclose(row, want, atol=1e-4)
        assert total == pytest.approx(sum(want), abs=1e-4 * len(cont))
        assert total == pytest.approx(sum(row), abs=1e-9)


def test_score_text_tokenizes_prefix_with_specials_only(llama):
    prefix, conts = "主播好！", ["这个多少钱？", "包邮吗"]
    got = llama.score(prefix, conts)
    want = llama.score(llama.tokenize(prefix, add_special=True), [llama.tokenize(c) for c in conts])
    assert got == want
    assert llama.score(prefix, []) == []


def test_score_rejects_empty_continuations(llama):
    with pytest.raises(liveformer.Error, match="empty"):
        llama.score([1, 2], [[3], []])
    with pytest.raises(TypeError):
        llama.score([1, 2], "not a list")
