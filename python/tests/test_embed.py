"""embed(): shape, dtype, determinism, pooling."""
import numpy as np
import pytest

import liveformer


def test_shape_dtype_finite(tiny):
    _, model = tiny
    texts = ["主播好！这个多少钱？", "Hello, live room! 包邮吗", "x"]
    e = model.embed(texts)
    assert isinstance(e, np.ndarray)
    assert e.dtype == np.float32 and e.shape == (3, model.n_embd)
    assert np.all(np.isfinite(e))
    assert e.flags["C_CONTIGUOUS"] and e.flags["WRITEABLE"]


def test_deterministic_and_distinct(llama):
    texts = ["这个多少钱？", "包邮吗", "这个多少钱？"]
    a, b = llama.embed(texts), llama.embed(texts)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a[0], a[2])
    assert not np.allclose(a[0], a[1])


def test_rows_are_independent_of_the_batch(llama):
    batch = llama.embed(["这个多少钱？", "包邮吗"])
    np.testing.assert_array_equal(batch[1], llama.embed(["包邮吗"])[0])
    np.testing.assert_array_equal(llama.embed("包邮吗"), llama.embed(["包邮吗"]))


def test_pooling(llama):
    ids = llama.tokenize("Hello, live room!", add_special=True)
    assert len(ids) > 1
    mean, last = llama.embed([ids]), llama.embed([ids], pooling="last")
    assert not np.allclose(mean, last)
    # For one token, the mean of one hidden state is that state.
    np.testing.assert_allclose(llama.embed([[5]]), llama.embed([[5]], pooling="last"), rtol=1e-6, atol=1e-6)


def test_mean_pooling_is_the_mean_of_last_states_of_prefixes(llama):
    # The causal model's hidden state at position i depends only on tokens
    # 0..i, so it is the "last" pooled embedding of that prefix; the mean
    # pooling of the whole text is the mean of those.
    ids = llama.tokenize("这个多少钱？", add_special=True)
    states = np.stack([llama.embed([ids[: i + 1]], pooling="last")[0] for i in range(len(ids))])
    np.testing.assert_allclose(llama.embed([ids])[0], states.mean(axis=0), rtol=1e-4, atol=1e-5)


def test_empty_list_and_bad_arguments(llama):
    assert llama.embed([]).shape == (0, llama.n_embd)
    with pytest.raises(ValueError, match="pooling"):
        llama.embed(["a"], pooling="max")
    with pytest.raises(TypeError):
        llama.embed([1, 2, 3])
    with pytest.raises(liveformer.Error):
        llama.embed([[]])
