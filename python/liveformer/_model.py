"""liveformer.Model: the Python face of the compiled model (_core.Model).

The compiled layer does the work (over the C API); this one gives the
methods real Python signatures, so a misspelt keyword is named by Python's
own TypeError instead of pybind11's list of overloads, checks strings
before they reach UTF-8 conversion, and adds the calling conventions
Hugging Face and llama-cpp-python users expect: batched generate,
do_sample, num_return_sequences, return_dict, logprobs, OpenAI-shaped chat
completions, close() and `with`.
"""
from __future__ import annotations

import operator
import os
import random
from typing import Any, Dict, Iterator, List, Optional, Sequence, Union, cast

from . import _chat_completion
from . import _core
from ._logprobs import completion_logprobs
from ._text import checked_messages, checked_text, checked_texts

Prompt = Union[str, Sequence[int]]
Messages = Sequence[Dict[str, str]]
Stop = Union[None, str, Sequence[str]]

# lf_generate_default_params(): one source for every signature below.
_D = _core.generate_defaults()


def _is_token_list(value: Any) -> bool:
    if not isinstance(value, (list, tuple)):
        return False
    try:
        for item in value:
            operator.index(item)
    except TypeError:
        return False
    return True


def _is_batch(prompt: Any) -> bool:
    """A list of prompts (str or token lists), not one prompt given as token ids."""
    return isinstance(prompt, (list, tuple)) and len(prompt) > 0 and not _is_token_list(prompt)


class Model:
    """A loaded model (GGUF file or Hugging Face directory).

    The model is read-only and safe to use from several threads at once: each
    call borrows its own decoding context from a small pool (a new one is made
    when all are busy; up to 4 idle ones are kept) and empties it afterwards, so
    results never depend on earlier calls. The GIL is released while computing.

    close(), or the end of a `with Model(...) as model:` block, releases the
    model at once (a call or stream still running on another thread keeps it
    until it ends); using it afterwards raises liveformer.Error.
    """

    def __init__(
        self,
        path: Union[str, "os.PathLike[str]"],
        *,
        n_ctx: int = 0,
        device: str = "cpu",
        n_threads: int = 0,
        check_finite: bool = True,
        quantize: Optional[str] = None,
        kv_type: str = "f32",
    ) -> None:
        """Loads a model. n_ctx: context length of each decoding context (0: the
        trained length, at most 4096); device: "cpu", "cuda" or "auto";
        n_threads: threads per decoding context, 0 for all cores; check_finite:
        refuse weights holding NaN/Inf; quantize: None (matrices as stored) or
        "q8_0", "q4_0", "f16", "bf16", "f32" to convert the matrices while
        loading; kv_type: the KV cache's type, "f32", "f16" or "bf16" (half the
        memory) or "q8_0" (0.27x; needs a head_dim that is a multiple of 32).
        Raises liveformer.FileError when the path is missing, liveformer.Error otherwise."""
        self._core = _core.Model(path, n_ctx=n_ctx, device=device, n_threads=n_threads, check_finite=check_finite,
                                 quantize=quantize, kv_type=kv_type)

    # ---- lifetime ----------------------------------------------------------

    def close(self) -> None:
        """Releases the model now; later calls raise liveformer.Error. Idempotent."""
        self._core.close()

    @property
    def closed(self) -> bool:
        return self._core.closed

    def __enter__(self) -> "Model":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        if self.closed:
            return f"<liveformer.Model closed path='{self.path}'>"
        return (f"<liveformer.Model {self.architecture} vocab_size={self.vocab_size} "
                f"n_embd={self.n_embd} path='{self.path}'>")

    # ---- description ---------------------------------------------------------

    @property
    def path(self) -> str:
        return self._core.path

    @property
    def architecture(self) -> str:
        return self._core.architecture

    @property
    def vocab_size(self) -> int:
        return self._core.vocab_size

    @property
    def n_embd(self) -> int:
        return self._core.n_embd

    @property
    def n_layers(self) -> int:
        return self._core.n_layers

    @property
    def n_ctx_train(self) -> int:
        return self._core.n_ctx_train

    @property
    def n_ctx(self) -> int:
        """Context length of each decoding context."""
        return self._core.n_ctx

    @property
    def bos_id(self) -> Optional[int]:
        return self._core.bos_id

    @property
    def eos_id(self) -> Optional[int]:
        return self._core.eos_id

    # ---- tokens ------------------------------------------------------------------

    def tokenize(self, text: str, add_special: bool = False, parse_special: bool = False) -> List[int]:
        """Token ids of text. add_special: add BOS/EOS as the model does; parse_special:
        recognise control tokens written in the text (keep False for untrusted text)."""
        return self._core.tokenize(checked_text(text, "text"), add_special, parse_special)

    def detokenize(self, ids: Sequence[int], skip_special: bool = False) -> str:
        """Text of token ids (an incomplete trailing character becomes U+FFFD)."""
        return self._core.detokenize(ids, skip_special)

    # ---- generation ------------------------------------------------------------------

    def generate(
        self,
        prompt: Union[Prompt, Sequence[Prompt]],
        *,
        max_new_tokens: int = _D["max_new_tokens"],
        do_sample: Optional[bool] = None,
        temperature: float = _D["temperature"],
        top_k: int = _D["top_k"],
        top_p: float = _D["top_p"],
        min_p: float = _D["min_p"],
        repetition_penalty: float = _D["repetition_penalty"],
        presence_penalty: float = _D["presence_penalty"],
        frequency_penalty: float = _D["frequency_penalty"],
        penalty_last_n: int = _D["penalty_last_n"],
        seed: Optional[int] = _D["seed"],
        stop: Stop = None,
        stop_at_eos: bool = _D["stop_at_eos"],
        num_return_sequences: int = 1,
        return_dict: bool = False,
        logprobs: bool = False,
    ) -> Any:
        """Generates text after prompt (the prompt is not included in the text).

        prompt: a str (tokenized with the model's BOS rule; "" starts from BOS),
        a list of token ids used as given, or a list of such prompts, which are
        generated together (one forward pass per step for all; each result is
        what that prompt gives alone).

        Returns a str for one prompt; a list for a list of prompts or
        num_return_sequences > 1, prompt by prompt and each prompt's sequences
        together (as Hugging Face's generate orders them). With return_dict=True
        each str is a dict instead: text, finish_reason ("stop": end-of-sequence
        or a stop string; "length": max_new_tokens or the context is full),
        stop_reason (the library's finer name), prompt_tokens,
        completion_tokens (generated, an ending end-of-sequence token included),
        total_tokens and logprobs (None unless logprobs=True: a list of
        {"token", "id", "logprob"}, natural-log probabilities of the completion's
        tokens under the model, computed after generation; see the README).

        do_sample: None follows temperature; False decodes greedily whatever
        temperature is; True samples (needs temperature > 0).
        num_return_sequences: sequences per prompt; sequence i is sampled with
        seed + i (seed None: a random base), so they differ. Greedy decoding
        gives one sequence only, so > 1 needs sampling.
        Ctrl-C cancels a single prompt's generation (not a batch's).

        Sampling keywords (names follow Hugging Face's generate where they overlap):
            max_new_tokens: tokens to generate at most.
            temperature: <= 0 means greedy decoding (argmax).
            top_k: keep the k most likely tokens (<= 0: off).
            top_p: nucleus sampling mass (>= 1: off).
            min_p: drop tokens below min_p times the top probability (<= 0: off).
            repetition_penalty, presence_penalty, frequency_penalty: over the last
                penalty_last_n tokens (0: no penalties, -1: whole history).
            seed: random seed (same seed, same output); None picks a random one.
            stop: a str or list of str; generation ends before any of them and the
                stop string is not part of the text.
            stop_at_eos: stop at the model's end-of-sequence token."""
        batch = _is_batch(prompt)
        prompts: List[Prompt] = list(cast(Sequence[Prompt], prompt)) if batch else [cast(Prompt, prompt)]
        for i, p in enumerate(prompts):
            if isinstance(p, str):
                checked_text(p, f"prompt[{i}]" if batch else "prompt")
        n = operator.index(num_return_sequences)
        if n < 1:
            raise ValueError(f"num_return_sequences must be >= 1, not {n}")
        if logprobs and not return_dict:
            raise ValueError("logprobs=True needs return_dict=True (the log-probabilities come in the result dicts)")
        kw = self._sampling(max_new_tokens, do_sample, temperature, top_k, top_p, min_p, repetition_penalty,
                            presence_penalty, frequency_penalty, penalty_last_n, seed, stop, stop_at_eos)
        if n > 1 and kw["temperature"] <= 0:
            raise ValueError(f"num_return_sequences={n} needs sampling (do_sample=True, temperature > 0): "
                             "greedy decoding gives the same sequence every time")

        if not batch and n == 1:
            results = [[self._core.generate_detailed(prompts[0], **kw)]]
        else:
            ids = [self.tokenize(p, add_special=True) if isinstance(p, str) else [operator.index(t) for t in p]
                   for p in prompts]
            base = kw.pop("seed")
            if base is None:
                base = random.getrandbits(64)
            # One batch per seed: the batch API samples every sequence with the same seed.
            by_seed = [self._core.generate_batch(ids, **kw, seed=(base + i) % 2**64) for i in range(n)]
            results = [[by_seed[i][j] for i in range(n)] for j in range(len(prompts))]

        if logprobs:
            for p, runs in zip(prompts, results):
                for run, lp in zip(runs, completion_logprobs(self._core, p, [r["text"] for r in runs])):
                    run["logprobs"] = lp
        items = [self._result_dict(r) if return_dict else r["text"] for runs in results for r in runs]
        return items if batch or n > 1 else items[0]

    def stream(
        self,
        prompt: Prompt,
        *,
        max_new_tokens: int = _D["max_new_tokens"],
        do_sample: Optional[bool] = None,
        temperature: float = _D["temperature"],
        top_k: int = _D["top_k"],
        top_p: float = _D["top_p"],
        min_p: float = _D["min_p"],
        repetition_penalty: float = _D["repetition_penalty"],
        presence_penalty: float = _D["presence_penalty"],
        frequency_penalty: float = _D["frequency_penalty"],
        penalty_last_n: int = _D["penalty_last_n"],
        seed: Optional[int] = _D["seed"],
        stop: Stop = None,
        stop_at_eos: bool = _D["stop_at_eos"],
    ) -> _core.Stream:
        """Like generate() for one prompt, but returns an iterator (liveformer.Stream)
        of text pieces as they are produced; "".join(pieces) equals generate()'s text.
        Keywords as for generate()."""
        if isinstance(prompt, str):
            checked_text(prompt, "prompt")
        kw = self._sampling(max_new_tokens, do_sample, temperature, top_k, top_p, min_p, repetition_penalty,
                            presence_penalty, frequency_penalty, penalty_last_n, seed, stop, stop_at_eos)
        return self._core.stream(prompt, **kw)

    # ---- chat ------------------------------------------------------------------------

    def chat(
        self,
        messages: Messages,
        *,
        template: Optional[str] = None,
        stream: bool = False,
        max_new_tokens: int = _D["max_new_tokens"],
        do_sample: Optional[bool] = None,
        temperature: float = _D["temperature"],
        top_k: int = _D["top_k"],
        top_p: float = _D["top_p"],
        min_p: float = _D["min_p"],
        repetition_penalty: float = _D["repetition_penalty"],
        presence_penalty: float = _D["presence_penalty"],
        frequency_penalty: float = _D["frequency_penalty"],
        penalty_last_n: int = _D["penalty_last_n"],
        seed: Optional[int] = _D["seed"],
        stop: Stop = None,
        stop_at_eos: bool = _D["stop_at_eos"],
    ) -> Union[str, _core.Stream]:
        """The assistant's reply to messages, a list of {"role": ..., "content": ...}
        dicts: a str, or with stream=True a liveformer.Stream of its pieces.
        template: None for the model's own chat template, or "chatml", "llama2",
        "zephyr". Message text is never parsed for control tokens. Keywords as
        for generate()."""
        ids = self.apply_chat_template(messages, template=template, add_generation_prompt=True)
        kw = self._sampling(max_new_tokens, do_sample, temperature, top_k, top_p, min_p, repetition_penalty,
                            presence_penalty, frequency_penalty, penalty_last_n, seed, stop, stop_at_eos)
        return self._core.stream(ids, **kw) if stream else self._core.generate(ids, **kw)

    def create_chat_completion(
        self,
        messages: Messages,
        *,
        max_tokens: Optional[int] = None,
        temperature: float = _D["temperature"],
        top_p: float = _D["top_p"],
        top_k: int = _D["top_k"],
        min_p: float = _D["min_p"],
        presence_penalty: float = _D["presence_penalty"],
        frequency_penalty: float = _D["frequency_penalty"],
        repeat_penalty: float = _D["repetition_penalty"],
        seed: Optional[int] = _D["seed"],
        stop: Stop = None,
        stream: bool = False,
        logprobs: bool = False,
        template: Optional[str] = None,
    ) -> Union[Dict[str, Any], Iterator[Dict[str, Any]]]:
        """An OpenAI-shaped chat completion, as llama-cpp-python's method of this name
        returns: {"id", "object": "chat.completion", "created", "model", "choices":
        [{"index", "message": {"role": "assistant", "content"}, "logprobs",
        "finish_reason"}], "usage": {"prompt_tokens", "completion_tokens",
        "total_tokens"}}. With stream=True an iterator of "chat.completion.chunk"
        dicts: a first delta {"role": "assistant"}, one {"content": piece} per
        piece, and a last empty delta carrying finish_reason ("stop" or "length").

        max_tokens: None generates until the end of the answer or of the context.
        logprobs (not with stream): choice["logprobs"] = {"content": [{"token",
        "logprob", "bytes", "top_logprobs": []}]}, computed as generate()'s are.
        repeat_penalty is llama-cpp-python's name for repetition_penalty."""
        if logprobs and stream:
            raise ValueError("logprobs=True is not available with stream=True")
        ids = self.apply_chat_template(messages, template=template, add_generation_prompt=True)
        kw = self._sampling(self.n_ctx if max_tokens is None else max_tokens, None, temperature, top_k, top_p,
                            min_p, repeat_penalty, presence_penalty, frequency_penalty, _D["penalty_last_n"], seed,
                            stop, True)
        name = os.path.basename(self.path)
        if stream:
            return _chat_completion.chunks(name, self._core.stream(ids, **kw))
        result = self._core.generate_detailed(ids, **kw)
        lp = completion_logprobs(self._core, ids, [result["text"]])[0] if logprobs else None
        return _chat_completion.completion(name, result, lp)

    def apply_chat_template(
        self,
        messages: Messages,
        *,
        template: Optional[str] = None,
        add_generation_prompt: bool = False,
        tokenize: bool = True,
    ) -> Union[List[int], str]:
        """The conversation rendered with the chat template: token ids (tokenize=True)
        or text. add_generation_prompt ends it where the assistant's answer begins."""
        return self._core.apply_chat_template(checked_messages(messages), template=template,
                                              add_generation_prompt=add_generation_prompt, tokenize=tokenize)

    # ---- scoring, embeddings, logits -----------------------------------------------------

    def score(self, prefix: Prompt, continuations: Sequence[Prompt], *, per_token: bool = False) -> Any:
        """Log-likelihood (natural log) of each continuation after prefix.

        prefix: str (tokenized with add_special=True) or token ids; continuations: a
        list of str (each tokenized alone, without special tokens) or token id lists.
        Returns a list of floats, or with per_token=True one list of per-token
        log-probabilities per continuation. The prefix is evaluated once and the
        continuations run as one batch."""
        return self._core.score(checked_texts(prefix, "prefix"), checked_texts(continuations, "continuations"),
                                per_token=per_token)

    def embed(self, texts: Union[str, Sequence[Prompt]], pooling: str = "mean") -> Any:
        """Embeddings: numpy float32 array [len(texts), n_embd] of final hidden
        states (after the output norm) pooled over each text's tokens ("mean" or
        "last"). texts: a list of str (tokenized with add_special=True) or token
        id lists; a single str gives one row."""
        return self._core.embed(checked_texts(texts, "texts"), pooling)

    def logits(self, tokens: Prompt) -> Any:
        """Next-token logits after each prefix of tokens: numpy float32 array
        [len(tokens), vocab_size], row i after tokens[0..i]. A str is tokenized with
        add_special=True. Runs one single-token forward pass per token (the C API
        keeps only the last token's logits), so it is meant for short inputs."""
        return self._core.logits(checked_texts(tokens, "tokens"))

    # ---- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _sampling(max_new_tokens: int, do_sample: Optional[bool], temperature: float, top_k: int, top_p: float,
                  min_p: float, repetition_penalty: float, presence_penalty: float, frequency_penalty: float,
                  penalty_last_n: int, seed: Optional[int], stop: Stop, stop_at_eos: bool) -> Dict[str, Any]:
        """The compiled layer's keywords, with do_sample applied and stop strings checked."""
        if do_sample is False:
            temperature = 0.0
        elif do_sample is True and temperature <= 0:
            raise ValueError(f"do_sample=True needs temperature > 0, not {temperature}")
        if isinstance(stop, str):
            checked_text(stop, "stop")
        elif stop is not None:
            stop = [checked_text(s, f"stop[{i}]") if isinstance(s, str) else s for i, s in enumerate(stop)]
        return dict(max_new_tokens=max_new_tokens, temperature=temperature, top_k=top_k, top_p=top_p, min_p=min_p,
                    repetition_penalty=repetition_penalty, presence_penalty=presence_penalty,
                    frequency_penalty=frequency_penalty, penalty_last_n=penalty_last_n, seed=seed, stop=stop,
                    stop_at_eos=stop_at_eos)

    @staticmethod
    def _result_dict(result: Dict[str, Any]) -> Dict[str, Any]:
        return {
            "text": result["text"],
            "finish_reason": _chat_completion.finish_reason(result["stop_reason"]),
            "stop_reason": result["stop_reason"],
            "prompt_tokens": result["prompt_tokens"],
            "completion_tokens": result["completion_tokens"],
            "total_tokens": result["prompt_tokens"] + result["completion_tokens"],
            "logprobs": result.get("logprobs"),
        }
