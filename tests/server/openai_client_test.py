#!/usr/bin/env python3
"""liveformer serve through the official `openai` Python client (pinned in
python/test-requirements.txt): what a user's existing OpenAI code sees.
Exits 77 (reported as skipped by ctest) when the client is not installed;
tools/python_test.sh runs it in its venv, where it is.

  openai_client_test.py LIVEFORMER_SERVE_BINARY REPO_ROOT
"""

import os
import sys

try:
    import openai
except ImportError:
    print("skipped: the openai package is not installed (pip install -r python/test-requirements.txt)")
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_client import Server  # noqa: E402

BINARY, ROOT = sys.argv[1], sys.argv[2]
MODEL = os.path.join(ROOT, "models", "liveformer-demo-zh.gguf")


def main():
    with Server(BINARY, "-m", MODEL, "--slots", "4", "--ctx", "256", "--no-access-log") as s:
        client = openai.OpenAI(base_url="http://127.0.0.1:%d/v1" % s.port, api_key="unused", max_retries=0, timeout=60)
        models = client.models.list()
        assert models.data and models.data[0].id, models
        msgs = [{"role": "system", "content": "你是直播间的客服助手。"}, {"role": "user", "content": "这件衣服多少钱？"}]
        r = client.chat.completions.create(model=models.data[0].id, messages=msgs, temperature=0, max_tokens=48)
        text = r.choices[0].message.content
        assert r.choices[0].message.role == "assistant" and text, r
        assert r.usage.total_tokens == r.usage.prompt_tokens + r.usage.completion_tokens > 0, r.usage
        assert r.choices[0].finish_reason in ("stop", "length"), r
        # Streaming gives the same text, in pieces, each whole UTF-8 (the client decodes them).
        pieces = []
        stream = client.chat.completions.create(model="demo", messages=msgs, temperature=0, max_tokens=48, stream=True,
                                                stream_options={"include_usage": True})
        usage = None
        for chunk in stream:
            if chunk.usage:
                usage = chunk.usage
            if chunk.choices and chunk.choices[0].delta.content:
                pieces.append(chunk.choices[0].delta.content)
        assert "".join(pieces) == text, ("".join(pieces), text)
        assert usage and usage.completion_tokens == r.usage.completion_tokens, usage
        c = client.completions.create(model="demo", prompt="今天直播间", max_tokens=8, temperature=0)
        assert isinstance(c.choices[0].text, str) and c.usage.prompt_tokens > 0, c
        e = client.embeddings.create(model="demo", input=["多少钱", "包邮吗"])
        assert len(e.data) == 2 and len(e.data[0].embedding) > 0, e
        # Errors come back as the client's own exception types.
        try:
            client.chat.completions.create(model="demo", messages=msgs, temperature=9)
            raise AssertionError("temperature 9 was accepted")
        except openai.BadRequestError as err:
            assert err.status_code == 400 and "temperature" in str(err), err
        try:
            client.chat.completions.create(model="demo", messages=[{"role": "user", "content": "长" * 5000}])
            raise AssertionError("a prompt longer than the context was accepted")
        except openai.BadRequestError as err:
            assert "context length" in str(err), err
    print("openai client checks passed (openai %s)" % openai.__version__)
    return 0


if __name__ == "__main__":
    sys.exit(main())
