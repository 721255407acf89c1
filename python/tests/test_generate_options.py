"""generate() as Hugging Face users call it: a list of prompts, do_sample,
num_return_sequences, return_dict (finish reason, token counts, logprobs)."""
import numpy as np
import pytest

GREEDY = dict(temperature=0, stop_at_eos=False)
SAMPLED = dict(do_sample=True, temperature=1.0, top_k=0, top_p=1.0, stop_at_eos=False)


def test_batched_generate_equals_one_by_one_greedy(tiny):
    _, model = tiny
    prompts = ["Hello world", "这个多少钱", [5, 6, 7, 8], "a"]
    batched = model.generate(prompts, max_new_tokens=12, **GREEDY)
    assert isinstance(batched, list) and len(batched) == len(prompts)
    assert batched == [model.generate(p, max_new_tokens=12, **GREEDY) for p in prompts]


def test_batched_sampling_equals_one_by_one_with_the_same_seed(llama):
    prompts = ["Hello world", [5, 6, 7, 8]]
    batched = llama.generate(prompts, max_new_tokens=10, seed=3, **SAMPLED)
    assert batched == [llama.generate(p, max_new_tokens=10, seed=3, **SAMPLED) for p in prompts]


def test_a_token_list_is_one_prompt_and_a_list_of_token_lists_a_batch(llama):
    one = llama.generate([5, 6, 7], max_new_tokens=4, **GREEDY)
    assert isinstance(one, str)
    assert llama.generate([[5, 6, 7]], max_new_tokens=4, **GREEDY) == [one]
    assert llama.generate(np.array([5, 6, 7]).tolist(), max_new_tokens=4, **GREEDY) == one


def test_num_return_sequences_gives_n_seeded_sequences(llama):
    texts = llama.generate("Hello", max_new_tokens=10, num_return_sequences=3, seed=11, **SAMPLED)
    assert len(texts) == 3
    # Sequence i is the one seed + i gives alone, so the n differ.
    assert texts == [llama.generate("Hello", max_new_tokens=10, seed=11 + i, **SAMPLED) for i in range(3)]
    assert len(set(texts)) > 1


def test_num_return_sequences_over_a_batch_is_prompt_major(llama):
    prompts = ["Hello", [5, 6, 7]]
    texts = llama.generate(prompts, max_new_tokens=8, num_return_sequences=2, seed=5, **SAMPLED)
    expected = [llama.generate(p, max_new_tokens=8, seed=5 + i, **SAMPLED) for p in prompts for i in range(2)]
    assert texts == expected


def test_num_return_sequences_needs_sampling(llama):
    with pytest.raises(ValueError, match="num_return_sequences"):
        llama.generate("Hello", max_new_tokens=4, num_return_sequences=2, do_sample=False)
    with pytest.raises(ValueError, match="num_return_sequences"):
        llama.generate("Hello", max_new_tokens=4, num_return_sequences=0, **SAMPLED)


def test_do_sample(llama):
    greedy = llama.generate("Hello", max_new_tokens=10, **GREEDY)
    # do_sample=False is greedy whatever the temperature says.
    assert llama.generate("Hello", max_new_tokens=10, do_sample=False, temperature=1.5, seed=1,
                          stop_at_eos=False) == greedy
    with pytest.raises(ValueError, match="temperature"):
        llama.generate("Hello", max_new_tokens=4, do_sample=True, temperature=0)


def test_return_dict_length(llama):
    prompt = "Hello world"
    r = llama.generate(prompt, max_new_tokens=7, return_dict=True, **GREEDY)
    assert set(r) == {"text", "finish_reason", "stop_reason", "prompt_tokens", "completion_tokens", "total_tokens",
                      "logprobs"}
    assert r["text"] == llama.generate(prompt, max_new_tokens=7, **GREEDY)
    assert r["finish_reason"] == "length" and r["stop_reason"] == "max_tokens"
    assert r["prompt_tokens"] == len(llama.tokenize(prompt, add_special=True))
    assert r["completion_tokens"] == 7
    assert r["total_tokens"] == r["prompt_tokens"] + 7
    assert r["logprobs"] is None
    ids = [5, 6, 7, 8, 9]
    assert llama.generate(ids, max_new_tokens=3, return_dict=True, **GREEDY)["prompt_tokens"] == len(ids)


def test_return_dict_stop_string(llama):
    full = llama.generate("Hello", max_new_tokens=20, **GREEDY)
    stop = full[len(full) // 2:len(full) // 2 + 2]
    r = llama.generate("Hello", max_new_tokens=20, stop=stop, return_dict=True, **GREEDY)
    assert r["finish_reason"] == "stop" and r["stop_reason"] == "stop"
    assert r["text"] == full[:full.index(stop)]


def test_return_dict_end_of_sequence_and_token_counts(demo):
    # The demo model answers and ends with its end-of-sequence token.
    prompt = demo.apply_chat_template([{"role": "user", "content": "这件多少钱？"}], add_generation_prompt=True)
    r = demo.generate(prompt, max_new_tokens=200, temperature=0, return_dict=True)
    assert r["finish_reason"] == "stop" and r["stop_reason"] == "eos"
    assert r["prompt_tokens"] == len(prompt)
    # The text's tokens plus the end-of-sequence token.
    assert r["completion_tokens"] == len(demo.tokenize(r["text"])) + 1


def test_batched_return_dicts_equal_one_by_one(llama):
    prompts = ["Hello", [5, 6, 7]]
    batched = llama.generate(prompts, max_new_tokens=6, return_dict=True, **GREEDY)
    assert batched == [llama.generate(p, max_new_tokens=6, return_dict=True, **GREEDY) for p in prompts]


def log_softmax(row):
    row = row.astype(np.float64)
    shifted = row - row.max()
    return shifted - np.log(np.exp(shifted).sum())


def test_logprobs_are_the_log_softmax_of_the_logits(demo):
    prompt = demo.apply_chat_template([{"role": "user", "content": "这件多少钱？"}], add_generation_prompt=True)
    # Fewer tokens than the answer has: the text is all there is (no end-of-sequence token).
    r = demo.generate(prompt, max_new_tokens=6, temperature=0, return_dict=True, logprobs=True)
    assert r["finish_reason"] == "length" and r["completion_tokens"] == 6
    entries = r["logprobs"]
    ids = [e["id"] for e in entries]
    assert ids == demo.tokenize(r["text"]) and len(ids) == r["completion_tokens"]
    assert "".join(e["token"] for e in entries) == r["text"]
    values = np.array([e["logprob"] for e in entries])
    assert np.all(values <= 0)
    # Independently: row i of logits(prompt + ids) predicts token i + 1.
    rows = demo.logits(prompt + ids)
    expected = [log_softmax(rows[len(prompt) - 1 + i])[tid] for i, tid in enumerate(ids)]
    np.testing.assert_allclose(values, expected, atol=1e-3)
    # Greedy decoding picked the most likely token every time.
    assert all(tid == int(np.argmax(rows[len(prompt) - 1 + i])) for i, tid in enumerate(ids))


def test_logprobs_for_every_sequence_and_only_with_return_dict(llama):
    rs = llama.generate(["Hello", "world"], max_new_tokens=5, return_dict=True, logprobs=True,
                        num_return_sequences=2, seed=1, **SAMPLED)
    assert len(rs) == 4
    for r in rs:
        assert isinstance(r["logprobs"], list)
        assert all(e["logprob"] <= 0 for e in r["logprobs"])
    with pytest.raises(ValueError, match="return_dict"):
        llama.generate("Hello", max_new_tokens=2, logprobs=True)

