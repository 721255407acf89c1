"""stream(): pieces join to generate()'s text; leaving early cancels the
generation and leaves no thread behind; errors surface while iterating."""
import gc
import sys
import time

import pytest

import liveformer
from testdata import goldens, os_thread_count, tiny_dir

GREEDY = dict(temperature=0, stop_at_eos=False)


def test_pieces_join_to_generate(stories, stories_reference):
    pieces = list(stories.stream("", max_new_tokens=200, **GREEDY))
    assert len(pieces) > 50
    assert all(isinstance(p, str) and p for p in pieces)
    assert "".join(pieces) == stories_reference


def test_sampled_stream_equals_sampled_generate(tiny):
    name, model = tiny
    kw = dict(max_new_tokens=25, temperature=0.9, seed=7, stop_at_eos=False)
    ids = goldens(name)[0]["input_ids"]
    assert "".join(model.stream(ids, **kw)) == model.generate(ids, **kw)


def test_statistics_after_the_end(llama):
    it = llama.stream([1, 2, 3], max_new_tokens=12, **GREEDY)
    pieces = list(it)
    assert pieces
    assert it.stop_reason == "max_tokens"
    assert it.n_tokens == 12
    assert it.n_prompt_tokens == 3
    assert it.generate_seconds >= 0
    with pytest.raises(StopIteration):
        next(it)


def test_close_cancels(llama):
    it = llama.stream([1, 2, 3], max_new_tokens=100, **GREEDY)
    first = next(it)
    assert isinstance(first, str)
    it.close()
    # The producer waits when 16 pieces are queued, so it cannot have run
    # to the end before close().
    assert it.stop_reason == "cancelled"
    assert it.n_tokens < 100
    with pytest.raises(StopIteration):
        next(it)
    it.close()  # closing twice is fine


def test_with_block_cancels(llama):
    with llama.stream([1, 2, 3], max_new_tokens=100, **GREEDY) as it:
        next(it)
    assert it.stop_reason == "cancelled"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts threads in /proc")
def test_breaking_out_leaves_no_thread(llama):
    gc.collect()
    before = os_thread_count()
    start = time.monotonic()
    for _ in range(50):
        for i, _piece in enumerate(llama.stream([1, 2, 3], max_new_tokens=100, **GREEDY)):
            if i == 2:
                break
    assert time.monotonic() - start < 30
    assert os_thread_count() == before


def test_stream_keeps_its_model_alive():
    model = liveformer.Model(tiny_dir("llama"))
    expected = model.generate([1, 2, 3], max_new_tokens=10, **GREEDY)
    it = model.stream([1, 2, 3], max_new_tokens=10, **GREEDY)
    del model
    gc.collect()
    assert "".join(it) == expected


def test_errors_surface_while_iterating():
    small = liveformer.Model(tiny_dir("llama"), n_ctx=8)
    it = small.stream(list(range(1, 13)), max_new_tokens=4, **GREEDY)
    with pytest.raises(liveformer.Error) as err:
        next(it)
    assert err.value.status == "context full"
    with pytest.raises(StopIteration):
        next(it)


def test_context_full_ends_the_stream():
    small = liveformer.Model(tiny_dir("llama"), n_ctx=8)
    it = small.stream([1, 2, 3, 4, 5, 6], max_new_tokens=20, **GREEDY)
    list(it)
    assert it.stop_reason == "context_full"
    # 6 prompt + 2 generated tokens fill the 8 positions; a third can be
    # sampled from the last logits but not evaluated.
    assert 1 <= it.n_tokens <= 3
