"""OpenAI-shaped chat completion dicts (the shapes llama-cpp-python's
create_chat_completion returns), built from the module's generation results.

Non-streamed: one "chat.completion" dict. Streamed: "chat.completion.chunk"
dicts, the first with delta {"role": "assistant"}, then one per text piece
with delta {"content": piece}, and a last one with an empty delta and the
finish_reason; the contents concatenate to the non-streamed message.
"""
from __future__ import annotations

import time
import uuid
from typing import Any, Dict, Iterator, List, Optional

# The library's stop reasons in OpenAI's words: it ended by itself ("stop")
# or ran out of room ("length").
_FINISH_REASONS = {
    "eos": "stop",
    "stop": "stop",
    "max_tokens": "length",
    "context_full": "length",
    "cancelled": "cancelled",
}


def finish_reason(stop_reason: Optional[str]) -> Optional[str]:
    return None if stop_reason is None else _FINISH_REASONS.get(stop_reason, stop_reason)


def _new_id() -> str:
    return "chatcmpl-" + uuid.uuid4().hex


def openai_logprobs(tokens: List[Dict[str, Any]]) -> Dict[str, Any]:
    """{"content": [...]} as OpenAI's choice.logprobs (no alternatives: top_logprobs is empty)."""
    return {
        "content": [
            {"token": t["token"], "logprob": t["logprob"], "bytes": list(t["token"].encode("utf-8")),
             "top_logprobs": []}
            for t in tokens
        ]
    }


def completion(model_name: str, result: Dict[str, Any], logprobs: Optional[List[Dict[str, Any]]]) -> Dict[str, Any]:
    """A "chat.completion" dict from a generate_detailed() result."""
    return {
        "id": _new_id(),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model_name,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": result["text"]},
                "logprobs": None if logprobs is None else openai_logprobs(logprobs),
                "finish_reason": finish_reason(result["stop_reason"]),
            }
        ],
        "usage": {
            "prompt_tokens": result["prompt_tokens"],
            "completion_tokens": result["completion_tokens"],
            "total_tokens": result["prompt_tokens"] + result["completion_tokens"],
        },
    }


def chunks(model_name: str, stream: Any) -> Iterator[Dict[str, Any]]:
    """"chat.completion.chunk" dicts from a liveformer.Stream; closing this
    iterator (or dropping it) closes the stream, which cancels generation."""
    ident = _new_id()
    created = int(time.time())

    def chunk(delta: Dict[str, Any], reason: Optional[str]) -> Dict[str, Any]:
        return {
            "id": ident,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model_name,
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": reason}],
        }

    with stream:
        yield chunk({"role": "assistant"}, None)
        for piece in stream:
            yield chunk({"content": piece}, None)
        yield chunk({}, finish_reason(stream.stop_reason))
