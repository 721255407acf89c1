"""Failures raise liveformer.Error (FileError for missing files) carrying
lf_last_error()'s message; Python-side argument errors raise TypeError /
ValueError."""
import pytest

import liveformer
from testdata import tiny_dir


def test_error_classes():
    assert issubclass(liveformer.Error, RuntimeError)
    assert issubclass(liveformer.FileError, liveformer.Error)
    assert issubclass(liveformer.FileError, FileNotFoundError)


def test_missing_model_file(tmp_path):
    path = tmp_path / "no-such-model.gguf"
    with pytest.raises(liveformer.FileError) as err:
        liveformer.Model(path)
    assert isinstance(err.value, FileNotFoundError)
    assert isinstance(err.value, liveformer.Error)
    assert str(path) in str(err.value)
    assert err.value.status == "i/o error" and err.value.code == 2


def test_malformed_model_file(tmp_path):
    path = tmp_path / "bad.gguf"
    path.write_bytes(b"GGUF" + b"\x00" * 12)
    with pytest.raises(liveformer.Error) as err:
        liveformer.Model(path)
    assert not isinstance(err.value, liveformer.FileError)
    assert err.value.status == "format error"
    assert str(err.value)


@pytest.mark.parametrize(
    "options, words",
    [(dict(device="tpu"), "tpu"), (dict(n_ctx=-1), "n_ctx"), (dict(n_threads=-2), "n_threads"),
     (dict(kv_type="q4_0"), "kv_type must be 'f32', 'f16', 'bf16' or 'q8_0', not 'q4_0'"),
     # the tiny llama's heads are 8 wide; q8_0 blocks need 32
     (dict(kv_type="q8_0"), "multiple of 32; this model's is 8")],
)
def test_bad_options(options, words):
    with pytest.raises(liveformer.Error, match=words) as err:
        liveformer.Model(tiny_dir("llama"), **options)
    assert err.value.status == "invalid argument"


def test_bad_token_ids(llama):
    with pytest.raises(liveformer.Error) as err:
        llama.detokenize([100000])
    assert "100000" in str(err.value)
    with pytest.raises(liveformer.Error):
        llama.generate([5, 100000], max_new_tokens=2)
    with pytest.raises(liveformer.Error):
        llama.logits([-1])


def test_invalid_utf8_bytes(llama):
    with pytest.raises(liveformer.Error) as err:
        llama.tokenize(b"\xff\xfe")
    assert err.value.status == "format error"


def test_prompt_longer_than_the_context():
    small = liveformer.Model(tiny_dir("llama"), n_ctx=8)
    with pytest.raises(liveformer.Error) as err:
        small.generate(list(range(1, 13)), max_new_tokens=2)
    assert err.value.status == "context full"
    with pytest.raises(liveformer.Error):
        small.logits(list(range(1, 13)))


def test_python_argument_errors(llama):
    with pytest.raises(ValueError, match="NUL"):
        llama.generate("a\0b", max_new_tokens=2)
    with pytest.raises(ValueError, match="empty"):
        llama.generate([], max_new_tokens=2)
    with pytest.raises(TypeError):
        llama.generate(3.5)
    with pytest.raises(TypeError):
        llama.generate("hi", unknown_keyword=1)
    with pytest.raises(TypeError):
        llama.generate("hi", 5)  # sampling options are keyword-only
