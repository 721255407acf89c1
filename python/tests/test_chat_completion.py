"""create_chat_completion() returns what OpenAI's API (and llama-cpp-python)
return; chat(stream=True) streams the reply."""
import json

import pytest

MESSAGES = [{"role": "user", "content": "这件多少钱？"}]
GREEDY = dict(temperature=0)


def test_completion_has_openai_shape(demo):
    c = demo.create_chat_completion(MESSAGES, max_tokens=100, **GREEDY)
    json.dumps(c)  # plain JSON types only
    assert c["id"].startswith("chatcmpl-") and c["object"] == "chat.completion"
    assert isinstance(c["created"], int) and c["model"] == "liveformer-demo-zh.gguf"
    assert len(c["choices"]) == 1
    choice = c["choices"][0]
    assert choice["index"] == 0 and choice["logprobs"] is None
    assert choice["message"] == {"role": "assistant", "content": demo.chat(MESSAGES, max_new_tokens=100, **GREEDY)}
    assert choice["message"]["content"].strip()
    assert choice["finish_reason"] == "stop"  # the demo model ends its answer
    usage = c["usage"]
    assert usage["prompt_tokens"] == len(demo.apply_chat_template(MESSAGES, add_generation_prompt=True))
    assert usage["completion_tokens"] >= 1
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


def test_max_tokens_gives_length(demo):
    c = demo.create_chat_completion(MESSAGES, max_tokens=3, **GREEDY)
    assert c["choices"][0]["finish_reason"] == "length"
    assert c["usage"]["completion_tokens"] == 3


def test_stream_chunks_have_openai_shape_and_join_to_the_message(demo):
    whole = demo.create_chat_completion(MESSAGES, max_tokens=100, **GREEDY)
    chunks = list(demo.create_chat_completion(MESSAGES, max_tokens=100, stream=True, **GREEDY))
    assert len(chunks) >= 3
    assert len({c["id"] for c in chunks}) == 1 and chunks[0]["id"].startswith("chatcmpl-")
    for c in chunks:
        json.dumps(c)
        assert c["object"] == "chat.completion.chunk" and c["model"] == "liveformer-demo-zh.gguf"
        assert len(c["choices"]) == 1 and c["choices"][0]["index"] == 0
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant"}
    assert all(c["choices"][0]["finish_reason"] is None for c in chunks[:-1])
    assert chunks[-1]["choices"][0]["delta"] == {}
    assert chunks[-1]["choices"][0]["finish_reason"] == whole["choices"][0]["finish_reason"] == "stop"
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert text == whole["choices"][0]["message"]["content"]


def test_stream_length_finish_reason(demo):
    chunks = list(demo.create_chat_completion(MESSAGES, max_tokens=2, stream=True, **GREEDY))
    assert chunks[-1]["choices"][0]["finish_reason"] == "length"


def test_completion_logprobs(demo):
    c = demo.create_chat_completion(MESSAGES, max_tokens=20, logprobs=True, **GREEDY)
    content = c["choices"][0]["logprobs"]["content"]
    assert "".join(t["token"] for t in content) == c["choices"][0]["message"]["content"]
    for t in content:
        assert t["logprob"] <= 0 and t["bytes"] == list(t["token"].encode("utf-8")) and t["top_logprobs"] == []
    with pytest.raises(ValueError, match="stream"):
        demo.create_chat_completion(MESSAGES, stream=True, logprobs=True)


def test_chat_stream_joins_to_chat(demo):
    stream = demo.chat(MESSAGES, stream=True, max_new_tokens=100, **GREEDY)
    pieces = list(stream)
    assert len(pieces) > 1
    assert "".join(pieces) == demo.chat(MESSAGES, max_new_tokens=100, **GREEDY)
    assert stream.stop_reason == "eos"


def test_closing_a_chunk_stream_early(demo):
    chunks = demo.create_chat_completion(MESSAGES, max_tokens=100, stream=True, **GREEDY)
    assert next(chunks)["choices"][0]["delta"] == {"role": "assistant"}
    chunks.close()  # cancels the generation; a new request still works
    assert demo.create_chat_completion(MESSAGES, max_tokens=2, **GREEDY)["choices"][0]["finish_reason"] == "length"
