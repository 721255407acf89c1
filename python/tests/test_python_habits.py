"""What Python users expect of any object: errors that name the bad keyword,
a clear ValueError for text that is not UTF-8, close() and `with`."""
import gc

import pytest

import liveformer
from testdata import tiny_dir

GREEDY = dict(temperature=0, stop_at_eos=False)


@pytest.mark.parametrize("call", [
    lambda m: m.generate("hi", max_tokens=3),
    lambda m: m.stream("hi", max_tokens=3),
    lambda m: m.chat([{"role": "user", "content": "hi"}], template="chatml", max_tokens=3),
    lambda m: m.create_chat_completion([{"role": "user", "content": "hi"}], template="chatml", max_new_token=3),
    lambda m: m.tokenize("hi", add_bos=True),
    lambda m: m.embed(["hi"], pool="mean"),
    lambda m: m.score("hi", ["a"], per_tokens=True),
])
def test_a_bad_keyword_is_named(llama, call):
    with pytest.raises(TypeError) as err:
        call(llama)
    message = str(err.value)
    bad = message.rsplit("'", 2)[-2]
    assert bad in {"max_tokens", "max_new_token", "add_bos", "pool", "per_tokens"}
    assert "unexpected keyword argument" in message
    assert "incompatible function arguments" not in message  # not pybind11's list of signatures
    assert len(message) < 120


def test_a_bad_load_keyword_is_named():
    with pytest.raises(TypeError, match="'context_length'"):
        liveformer.Model(tiny_dir("llama"), context_length=64)


@pytest.mark.parametrize("call, where", [
    (lambda m: m.generate("ab\udc80c", max_new_tokens=2), "prompt"),
    (lambda m: m.generate(["ok", "\ud800"], max_new_tokens=2), r"prompt\[1\]"),
    (lambda m: m.stream("\udfff", max_new_tokens=2), "prompt"),
    (lambda m: m.generate("ok", max_new_tokens=2, stop=["x", "\ud800"]), r"stop\[1\]"),
    (lambda m: m.tokenize("x\ud800"), "text"),
    (lambda m: m.chat([{"role": "user", "content": "\ud800"}], template="chatml", max_new_tokens=2),
     r"messages\[0\]\['content'\]"),
    (lambda m: m.create_chat_completion([{"role": "user", "content": "a\udc80"}], template="chatml"),
     r"messages\[0\]\['content'\]"),
    (lambda m: m.embed(["ok", "\ud800"]), r"texts\[1\]"),
    (lambda m: m.score("\ud800", ["a"]), "prefix"),
    (lambda m: m.score("a", ["\ud800"]), r"continuations\[0\]"),
])
def test_a_lone_surrogate_is_a_clear_value_error(llama, call, where):
    with pytest.raises(ValueError, match=where + ".*lone surrogate U\\+D[89A-F][0-9A-F]{2} at index"):
        call(llama)


def test_close_releases_and_later_use_is_a_clear_error():
    model = liveformer.Model(tiny_dir("llama"))
    assert not model.closed
    model.generate([1, 2], max_new_tokens=2, **GREEDY)
    model.close()
    assert model.closed
    model.close()  # idempotent
    assert "closed" in repr(model)
    for use in (lambda: model.generate("hi", max_new_tokens=2), lambda: model.tokenize("hi"),
                lambda: model.vocab_size, lambda: model.stream("hi"), lambda: model.embed("hi"),
                lambda: model.create_chat_completion([{"role": "user", "content": "hi"}])):
        with pytest.raises(liveformer.Error, match="model is closed"):
            use()


def test_with_statement_closes():
    with liveformer.Model(tiny_dir("llama")) as model:
        text = model.generate([1, 2, 3], max_new_tokens=3, **GREEDY)
        assert isinstance(text, str)
    assert model.closed
    with pytest.raises(liveformer.Error, match="closed"):
        model.generate([1, 2, 3], max_new_tokens=3)


def test_with_statement_closes_on_an_exception():
    with pytest.raises(KeyError):
        with liveformer.Model(tiny_dir("llama")) as model:
            raise KeyError("boom")
    assert model.closed


def test_a_running_stream_outlives_close():
    model = liveformer.Model(tiny_dir("llama"))
    expected = model.generate([1, 2, 3], max_new_tokens=10, **GREEDY)
    it = model.stream([1, 2, 3], max_new_tokens=10, **GREEDY)
    model.close()
    gc.collect()
    assert "".join(it) == expected
