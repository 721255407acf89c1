"""Per-token log-probabilities of generated text.

The C API's generation results carry the text and counts but not the
sampled token ids or their probabilities, so they are computed afterwards:
the completion's text is tokenized and scored after its prompt with
lf_score (one batched forward pass over all completions of one prompt).
The values are the model's own distribution (log-softmax of the logits),
before temperature, top-k/p and penalties, as Hugging Face's
`output_logits` and OpenAI's `logprobs` report them. The tokens are the
tokenizer's split of the text, which is the sampled sequence whenever the
model produced the canonical split (a sampler may, rarely, pick another);
a final end-of-sequence token is not text and has no entry.
"""
from __future__ import annotations

from typing import Any, Dict, List, Sequence, Union

Prompt = Union[str, Sequence[int]]


def completion_logprobs(core: Any, prompt: Prompt, texts: Sequence[str]) -> List[List[Dict[str, Any]]]:
    """For each text generated after prompt: [{"token", "id", "logprob"}, ...]."""
    token_lists = [core.tokenize(text) for text in texts]
    scored = [ids for ids in token_lists if ids]
    per_token = core.score(prompt, scored, per_token=True) if scored else []
    out: List[List[Dict[str, Any]]] = []
    next_scored = iter(per_token)
    for ids in token_lists:
        values = next(next_scored) if ids else []
        out.append([{"token": core.detokenize([tid]), "id": tid, "logprob": float(lp)} for tid, lp in zip(ids, values)])
    return out
