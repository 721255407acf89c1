#!/usr/bin/env python3
"""liveformer serve end to end, with the standard library only: the OpenAI
API (shapes, streaming, errors), continuous batching (16 concurrent greedy
requests give what each gives alone), limits and hostile clients, the live
rooms (product, grounded answers and scripts, comments over WebSocket and
HTTP, report, dashboard), /metrics, and shutdown on SIGTERM with the rooms'
reports written.

  serve_test.py LIVEFORMER_SERVE_BINARY REPO_ROOT
"""

import json
import os
import signal
import socket
import sys
import tempfile
import threading
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_client import Server, WebSocket  # noqa: E402

BINARY, ROOT = sys.argv[1], sys.argv[2]
MODEL = os.path.join(ROOT, "models", "liveformer-demo-zh.gguf")
PRODUCT = json.load(open(os.path.join(ROOT, "tests", "data", "apps", "product.json"), encoding="utf-8"))
# The apps' sample stream (its deliberately bad lines left out here).
COMMENTS = [json.loads(l) for l in open(os.path.join(ROOT, "tests", "data", "apps", "comments.jsonl"), encoding="utf-8")
            if l.startswith("{")]
# Those a room takes (a comment needs a string "text").
VALID = [c for c in COMMENTS if isinstance(c.get("text"), str)]

failures = []


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def run(name, fn, *args):
    t0 = time.time()
    try:
        fn(*args)
        print("ok   %-58s %.1f s" % (name, time.time() - t0), flush=True)
    except Exception:
        failures.append(name)
        print("FAIL %s\n%s" % (name, traceback.format_exc()), flush=True)


def chat(question, **kw):
    body = {"model": "demo", "messages": [{"role": "user", "content": question}], "temperature": 0, "max_tokens": 48,
            "ignore_eos": True}
    body.update(kw)
    return body


QUESTIONS = ["这件衣服多少钱？", "有红色吗", "什么时候发货", "可以退货吗", "适合小孩穿吗", "有优惠券吗", "质量怎么样",
             "包邮吗", "尺码偏大还是偏小", "主播今天好漂亮", "还有库存吗", "送什么赠品", "是正品吗", "怎么清洗",
             "几天能到", "有没有大码"]


def error_shape(body, status):
    check(isinstance(body, dict) and "error" in body, "error body %r (status %d)" % (body, status))
    e = body["error"]
    check(isinstance(e.get("message"), str) and e["message"], "error message")
    check("type" in e and "param" in e and "code" in e, "error fields %r" % e)


# ---- the OpenAI API ---------------------------------------------------------

def test_models_health(s):
    st, _, body = s.request("GET", "/v1/models")
    check(st == 200 and body["object"] == "list" and body["data"][0]["object"] == "model", body)
    st, _, body = s.request("GET", "/health")
    check(st == 200 and body["status"] == "ok" and body["slots"] == 16, body)


def test_chat_shape(s):
    st, _, body = s.request("POST", "/v1/chat/completions", chat("这件衣服多少钱？"))
    check(st == 200, (st, body))
    check(body["object"] == "chat.completion" and body["id"].startswith("chatcmpl-"), body)
    c = body["choices"][0]
    check(c["index"] == 0 and c["message"]["role"] == "assistant" and isinstance(c["message"]["content"], str), c)
    check(len(c["message"]["content"]) > 0, "empty answer")
    check(c["finish_reason"] in ("stop", "length"), c)
    u = body["usage"]
    check(u["prompt_tokens"] > 0 and u["completion_tokens"] > 0 and u["total_tokens"] == u["prompt_tokens"] + u["completion_tokens"], u)
    check(body["model"] == "demo", "model echoed")


def test_batching_matches_alone(s):
    alone = []
    for q in QUESTIONS:
        st, _, body = s.request("POST", "/v1/chat/completions", chat(q))
        check(st == 200, (st, body))
        alone.append(body["choices"][0]["message"]["content"])
    together = [None] * len(QUESTIONS)
    steps0, decoded0 = s.metric("liveformer_scheduler_steps_total"), s.metric("liveformer_decode_tokens_total")

    def one(i):
        st, _, body = s.request("POST", "/v1/chat/completions", chat(QUESTIONS[i]))
        together[i] = body["choices"][0]["message"]["content"] if st == 200 else ("status %d" % st)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(QUESTIONS))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for q, a, b in zip(QUESTIONS, alone, together):
        check(a == b, "%s: alone %r, beside 15 others %r" % (q, a, b))
    # They did run together: more decoded tokens than forward passes.
    steps, decoded = s.metric("liveformer_scheduler_steps_total") - steps0, s.metric("liveformer_decode_tokens_total") - decoded0
    check(decoded > 1.5 * steps, "no batching: %d decode tokens in %d steps" % (decoded, steps))


def test_stream(s):
    body = chat("这件衣服多少钱？有什么颜色？", max_tokens=64)
    st, _, whole = s.request("POST", "/v1/chat/completions", body)
    events = list(s.stream("/v1/chat/completions", dict(body, stream=True, stream_options={"include_usage": True})))
    check(events and events[0][0] == "data", events[:1])
    payloads = [e[1] for e in events]
    check(payloads[-1] == "[DONE]", payloads[-3:])
    chunks = [json.loads(p) for p in payloads[:-1]]
    check(chunks[0]["choices"][0]["delta"].get("role") == "assistant", chunks[0])
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
    check(text == whole["choices"][0]["message"]["content"], "stream %r vs %r" % (text, whole["choices"][0]["message"]["content"]))
    finals = [c for c in chunks if c["choices"] and c["choices"][0]["finish_reason"]]
    check(len(finals) == 1, "one finish_reason chunk")
    usage = [c for c in chunks if c.get("usage")]
    check(len(usage) == 1 and usage[0]["usage"]["completion_tokens"] > 0 and usage[0]["choices"] == [], usage)
    check(all(c["object"] == "chat.completion.chunk" for c in chunks), "chunk object")
    check(any(ord(ch) > 0x2E80 for ch in text), "expected Chinese text in %r" % text)


def test_curl(s):
    """The documented curl commands work as written (docs/serve.md)."""
    import shutil
    import subprocess
    if not shutil.which("curl"):
        print("  (curl not installed: this check did not run)")
        return
    url = "http://127.0.0.1:%d/v1/chat/completions" % s.port
    out = subprocess.run(["curl", "-s", url, "-H", "Content-Type: application/json", "-d",
                          json.dumps(chat("这件衣服多少钱？"), ensure_ascii=False)], capture_output=True, timeout=60)
    body = json.loads(out.stdout)
    check(body["choices"][0]["message"]["content"], body)
    out = subprocess.run(["curl", "-sN", url, "-H", "Content-Type: application/json", "-d",
                          json.dumps(chat("介绍一下", stream=True), ensure_ascii=False)], capture_output=True, timeout=60)
    lines = [l for l in out.stdout.decode("utf-8").split("\n") if l.startswith("data: ")]
    check(lines and lines[-1] == "data: [DONE]" and len(lines) >= 3, lines[-3:])


def test_completions(s):
    st, _, body = s.request("POST", "/v1/completions", {"prompt": "今天直播间", "max_tokens": 16, "temperature": 0})
    check(st == 200 and body["object"] == "text_completion" and isinstance(body["choices"][0]["text"], str), body)
    st, _, echo = s.request("POST", "/v1/completions", {"prompt": "今天直播间", "max_tokens": 16, "temperature": 0, "echo": True})
    check(echo["choices"][0]["text"] == "今天直播间" + body["choices"][0]["text"], echo)
    st, _, ids = s.request("POST", "/v1/completions", {"prompt": [1, 2, 3], "max_tokens": 4, "temperature": 0})
    check(st == 200 and ids["usage"]["prompt_tokens"] == 3, ids)
    # stop: the text ends before the stop string and never contains it.
    full = body["choices"][0]["text"]
    if len(full) >= 4:
        stop = full[2:4]
        st, _, stopped = s.request("POST", "/v1/completions",
                                   {"prompt": "今天直播间", "max_tokens": 16, "temperature": 0, "stop": [stop]})
        t = stopped["choices"][0]["text"]
        check(stop not in t and full.startswith(t) and stopped["choices"][0]["finish_reason"] == "stop", (full, stop, t))
    # seeded sampling repeats itself
    a = s.request("POST", "/v1/completions", {"prompt": "主播", "max_tokens": 12, "temperature": 1, "seed": 5})[2]
    b = s.request("POST", "/v1/completions", {"prompt": "主播", "max_tokens": 12, "temperature": 1, "seed": 5})[2]
    check(a["choices"][0]["text"] == b["choices"][0]["text"], "same seed, same text")


def test_embeddings(s):
    st, _, body = s.request("POST", "/v1/embeddings", {"input": ["多少钱", "包邮吗"], "model": "demo"})
    check(st == 200 and body["object"] == "list" and len(body["data"]) == 2, body)
    e0, e1 = body["data"][0]["embedding"], body["data"][1]["embedding"]
    check(len(e0) == len(e1) > 0 and e0 != e1, "embedding sizes")
    check(body["usage"]["prompt_tokens"] > 0, body["usage"])
    st, _, bad = s.request("POST", "/v1/embeddings", {"input": 5})
    check(st == 400, bad)
    # base64: the same floats as little-endian f32 bytes (the openai client's default with numpy).
    import base64
    import struct
    st, _, b64 = s.request("POST", "/v1/embeddings", {"input": ["多少钱", "包邮吗"], "encoding_format": "base64"})
    raw = base64.b64decode(b64["data"][0]["embedding"])
    check(list(struct.unpack("<%df" % (len(raw) // 4), raw)) == e0, "base64 decodes to the float list")
    st, _, bad = s.request("POST", "/v1/embeddings", {"input": "x", "encoding_format": "hex"})
    check(st == 400 and bad["error"]["param"] == "encoding_format", bad)


def test_bad_requests(s):
    cases = [
        (b"{not json", "malformed"),
        (json.dumps({"messages": "hi"}).encode(), "messages not an array"),
        (json.dumps({"model": "x"}).encode(), "missing messages"),
        (json.dumps(chat("hi", temperature="hot")).encode(), "temperature type"),
        (json.dumps(chat("hi", temperature=5)).encode(), "temperature range"),
        (json.dumps(chat("hi", max_tokens=0)).encode(), "max_tokens 0"),
        (json.dumps(chat("hi", max_tokens=-3)).encode(), "max_tokens negative"),
        (json.dumps(chat("hi", n=2)).encode(), "n 2"),
        (json.dumps(chat("hi", stop=[""])).encode(), "empty stop"),
        (json.dumps(chat("hi", stop=["a", "b", "c", "d", "e"])).encode(), "five stops"),
        (json.dumps({"messages": [{"role": "wizard", "content": "x"}]}).encode(), "bad role"),
        (json.dumps({"messages": [{"role": "user", "content": 7}]}).encode(), "content type"),
        (b'{"messages": [{"role": "user", "content": "\xff\xfe"}]}', "invalid UTF-8"),
        (b"[" * 100000, "deep nesting"),
        (b"[]", "not an object"),
        (b"", "empty body"),
        (json.dumps({"messages": [{"role": "user", "content": "长" * 5000}]}).encode(), "longer than the context"),
    ]
    for body, what in cases:
        st, _, resp = s.request("POST", "/v1/chat/completions", body)
        check(st == 400, "%s: status %d %r" % (what, st, resp))
        error_shape(resp, st)
    st, _, resp = s.request("POST", "/v1/chat/completions", json.dumps({"messages": [{"role": "user", "content": "长" * 5000}]}))
    check("context length" in resp["error"]["message"], resp)
    # Unknown fields are ignored, as OpenAI does; a huge max_tokens is clamped to the context.
    st, _, resp = s.request("POST", "/v1/chat/completions", chat("多少钱", frobnicate=1, logit_bias={}, user="u1", max_tokens=10**9))
    check(st == 200, (st, resp))
    st, _, resp = s.request("GET", "/v1/nothing")
    check(st == 404, st)
    error_shape(resp, st)
    st, _, resp = s.request("GET", "/v1/chat/completions")
    check(st == 405, st)
    # The server is still fine.
    st, _, resp = s.request("POST", "/v1/chat/completions", chat("多少钱"))
    check(st == 200, st)


def test_disconnect_cancels(s):
    # Eight long requests beside it make every step slower, so the one that
    # leaves is still running when its disconnect is noticed even on a
    # loaded machine.
    busy = [threading.Thread(target=s.request, args=("POST", "/v1/chat/completions", chat("介绍", max_tokens=300)))
            for _ in range(8)]
    for t in busy:
        t.start()
    time.sleep(0.05)
    before = s.metric('liveformer_generations_total{outcome="cancelled"}')
    sock = socket.create_connection(("127.0.0.1", s.port))
    # ignore_eos: the answer runs to the end of the context (~480 tokens,
    # far longer than noticing the disconnect takes) unless it is cancelled.
    body = json.dumps(chat("写一段很长的介绍", max_tokens=10000, stream=True, ignore_eos=True)).encode()
    sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    sock.recv(100)  # the stream has started
    sock.close()
    deadline = time.time() + 20
    while time.time() < deadline and s.metric('liveformer_generations_total{outcome="cancelled"}') == before:
        time.sleep(0.02)
    after = s.metric('liveformer_generations_total{outcome="cancelled"}')
    check(after == before + 1, "the request was cancelled: %s -> %s; completed %s" % (
        before, after, s.metric('liveformer_generations_total{outcome="completed"}')))
    for t in busy:
        t.join()
    check(s.metric("liveformer_active_slots") == 0, "slot freed after the client left")



def test_metrics(s):
    st, h, text = s.request("GET", "/metrics")
    check(st == 200 and h["content-type"].startswith("text/plain"), h)
    for name in ["liveformer_http_requests_total{route=\"/v1/chat/completions\",status=\"200\"}",
                 "liveformer_queue_depth", "liveformer_active_slots", "liveformer_kv_cache_bytes_in_use",
                 "liveformer_prefix_cache_hits_total", "liveformer_prefix_cache_misses_total",
                 "liveformer_prefill_tokens_per_second", "liveformer_decode_tokens_per_second",
                 "liveformer_time_to_first_token_seconds_bucket", "liveformer_rooms"]:
        check(name in text, "missing metric " + name)
    check(s.metric("liveformer_decode_tokens_total") > 0, "decode tokens counted")


# ---- limits and hostile clients (a second server with small limits) --------

def test_limits(binary):
    with Server(binary, "-m", MODEL, "--slots", "1", "--max-queue", "1", "--max-body-kb", "64", "--read-timeout-ms", "1000",
                "--timeout-ms", "3000", "--max-rooms", "5", "--room-queue", "100", "--no-access-log", "-t", "1") as s:
        # 413: a body over 64 KiB
        st, _, body = s.request("POST", "/v1/chat/completions", b"{" + b" " * (70 << 10) + b"}")
        check(st == 413, st)
        # 431: a header over the limit
        st, _, body = s.request("GET", "/health", headers={"X-Big": "a" * 20000})
        check(st == 431, st)
        # A client sending one byte a second is cut off; others are served meanwhile.
        slow = socket.create_connection(("127.0.0.1", s.port))
        slow.sendall(b"POST /v1/completions HTTP/1.1\r\n")
        t0 = time.time()
        st, _, _ = s.request("GET", "/health")
        check(st == 200, "served beside a slow client")
        slow.settimeout(0.3)
        closed = False
        while time.time() - t0 < 6 and not closed:
            try:
                slow.sendall(b"X")  # one byte at a time, never a whole request
                data = slow.recv(4096)
                closed = data == b"" or data.startswith(b"HTTP/1.1 408")
            except socket.timeout:
                pass
            except OSError:
                closed = True
        check(closed and time.time() - t0 < 5, "slow client cut off after %.1f s" % (time.time() - t0))
        # Queue limit: 1 slot, 1 waiting: a burst gets 429 with Retry-After.
        results = []

        def one():
            results.append(s.request("POST", "/v1/chat/completions", chat("写一段很长的介绍", max_tokens=200)))

        threads = [threading.Thread(target=one) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        busy = [r for r in results if r[0] == 429]
        check(busy and all(r[1].get("retry-after") for r in busy), [r[0] for r in results])
        check(all(r[0] in (200, 429, 504) for r in results), [r[0] for r in results])
        # A room limit, not unbounded rooms.
        codes = [s.request("PUT", "/v1/rooms/r%d/product" % i, PRODUCT)[0] for i in range(8)]
        check(codes[:5] == [201] * 5 and codes[5:] == [429] * 3, codes)
        # WebSocket flood: backpressure drops the oldest, every comment counted.
        ws = WebSocket(s.port, "/v1/rooms/r0/comments")
        check(ws.status == 101, ws.response_head)
        sent = 0
        for k in range(20):
            batch = [{"t": k, "user": "u%d" % (i % 50), "text": "第%d条弹幕 多少钱 %d" % (k, i)} for i in range(500)]
            ws.send(json.dumps(batch, ensure_ascii=False))
            sent += len(batch)
        deadline = time.time() + 30
        while time.time() < deadline:
            rep = s.request("GET", "/v1/rooms/r0/report")[2]
            if rep["received"] == sent and rep["pending"] == 0:
                break
            time.sleep(0.2)
        check(rep["received"] == sent, (rep["received"], sent))
        check(rep["pending"] == 0 and rep["dropped"] > 0, rep)
        # Every comment in exactly one count: none lost uncounted.
        check(rep["labelled"] + rep["dropped"] + rep["duplicates"] + rep["bad"] + rep["empty"] == sent, rep)
        ws.close()
        st, _, _ = s.request("GET", "/health")
        check(st == 200, "alive after the flood")


def test_timeout(binary):
    """A request past --timeout-ms is cancelled: 504 in OpenAI's shape, or an
    error event and [DONE] in a stream; the server goes on."""
    with Server(binary, "-m", MODEL, "--timeout-ms", "5", "--no-access-log", "-t", "1") as s:
        st, _, body = s.request("POST", "/v1/chat/completions", chat("介绍", max_tokens=400))
        check(st == 504 and body["error"]["type"] == "timeout_error", (st, body))
        events = [e[1] for e in s.stream("/v1/chat/completions", chat("介绍", max_tokens=400, stream=True))]
        check(events[-1] == "[DONE]" and any('"timeout_error"' in e for e in events), events[-3:])
        check(s.metric('liveformer_generations_total{outcome="cancelled"}') == 2, "both cancelled")
        st, _, _ = s.request("GET", "/health")
        check(st == 200, "still serving")


# ---- the live room ------------------------------------------------------------

def test_room(s):
    st, _, body = s.request("PUT", "/v1/rooms/demo-room/product", PRODUCT)
    check(st == 201 and body["product"] == PRODUCT["name"], (st, body))
    st, _, body = s.request("GET", "/v1/rooms/demo-room/product")
    check(st == 200 and body["name"] == PRODUCT["name"], body)
    # Grounded answers: a colour the product does not have is declined.
    st, _, a = s.request("POST", "/v1/rooms/demo-room/ask", {"question": "有红色吗", "user": "小鹿"})
    check(st == 200 and a["decision"] == "decline" and "红色有" not in a["answer"], a)
    st, _, a = s.request("POST", "/v1/rooms/demo-room/ask", {"question": "这件多少钱？"})
    check(st == 200 and a["decision"] == "answer" and "129.9" in a["answer"], a)
    st, _, a = s.request("POST", "/v1/rooms/demo-room/ask", {"question": ""})
    check(st == 400, a)
    st, _, sc = s.request("POST", "/v1/rooms/demo-room/script", {"seed": 3})
    check(st == 200 and PRODUCT["name"] in sc["script"] and "129.9" in sc["script"], sc)
    # Comments over the WebSocket: labels come back for each.
    ws = WebSocket(s.port, "/v1/rooms/demo-room/comments")
    check(ws.status == 101, ws.response_head)
    ws.send(json.dumps(COMMENTS, ensure_ascii=False))
    labelled = []
    deadline = time.time() + 30
    while time.time() < deadline and len(labelled) < len(VALID):
        m = ws.recv()
        if m is None:
            break
        m = json.loads(m)
        if m["type"] == "labels":
            labelled += m["comments"]
    check(len(labelled) == len(VALID), "%d of %d labelled" % (len(labelled), len(VALID)))
    for c in labelled:
        if "dropped" in c:  # nothing left to label (an empty comment): counted, not labelled
            check(c["dropped"] in ("empty", "bad"), c)
            continue
        check(c["intent"] in ("price", "spec", "shipping", "purchase", "praise", "complaint", "other"), c)
        check(c["sentiment"] in ("positive", "neutral", "negative") and isinstance(c["spam"], bool), c)
    by_seq = {c["seq"]: c for c in labelled}
    repeats = [c for c in labelled if c.get("duplicate")]
    check(repeats, "the sample stream has one user's repeats")
    for c in repeats:  # a repeat points at the comment it repeats
        orig = by_seq.get(c.get("duplicate_of"))
        check(orig and orig["seq"] < c["seq"] and orig.get("user") == c.get("user") and not orig.get("duplicate"), (c, orig))
    by_text = {c["text"]: c for c in labelled}
    check(by_text["这个多少钱？？"]["intent"] == "price", by_text["这个多少钱？？"])
    ws.send("this is not json")
    while True:
        m = json.loads(ws.recv())
        if m["type"] == "error":
            break
    ws.close()
    # Comments over HTTP too.
    st, _, body = s.request("POST", "/v1/rooms/demo-room/comments", "\n".join(json.dumps(c, ensure_ascii=False) for c in VALID[:5]))
    check(st == 202 and body["accepted"] == 5, body)
    time.sleep(0.5)
    st, _, rep = s.request("GET", "/v1/rooms/demo-room/report")
    check(st == 200 and rep["received"] == len(VALID) + 5, rep)
    check(rep["labelled"] + rep["duplicates"] + rep["bad"] + rep["empty"] + rep["dropped"] == rep["received"], rep)
    check(sum(rep["intents"].values()) + rep["spam"] == rep["labelled"], rep)
    check(len(rep["questions"]) == 2, rep["questions"])
    # The dashboard page and its events.
    st, h, page = s.request("GET", "/rooms/demo-room")
    check(st == 200 and h["content-type"].startswith("text/html") and "EventSource" in page and "<script src" not in page, h)
    c = s.conn(10)
    c.request("GET", "/v1/rooms/demo-room/events")
    r = c.getresponse()
    check(r.status == 200 and r.getheader("Content-Type").startswith("text/event-stream"), r.status)
    line = r.fp.readline()
    while not line.startswith(b"data: "):
        line = r.fp.readline()
    summary = json.loads(line[6:])
    check(summary["type"] == "summary" and summary["room"] == "demo-room", summary)
    c.close()
    # Unknown rooms and bad ids.
    ws = WebSocket(s.port, "/v1/rooms/nope/comments")
    check(ws.status == 404, ws.response_head)
    st, _, body = s.request("POST", "/v1/rooms/nope/ask", {"question": "多少钱"})
    check(st == 404, body)
    st, _, body = s.request("PUT", "/v1/rooms/bad%20id/product", PRODUCT)
    check(st == 400, body)
    st, _, body = s.request("PUT", "/v1/rooms/x/product", {"price": 1})
    check(st == 400 and "name" in body["error"]["message"], body)


def test_shutdown_writes_reports(binary):
    state = tempfile.mkdtemp(prefix="lf-serve-state-")
    with Server(binary, "-m", MODEL, "--state-dir", state, "--no-access-log", "--grace-ms", "5000") as s:
        s.request("PUT", "/v1/rooms/live1/product", PRODUCT)
        s.request("POST", "/v1/rooms/live1/comments", json.dumps(COMMENTS, ensure_ascii=False))
        time.sleep(0.5)
        # A stream in flight when SIGTERM comes ends properly.
        events = []

        def read_stream():
            for e in s.stream("/v1/chat/completions", chat("介绍一下这件衣服", max_tokens=200, stream=True)):
                events.append(e)

        t = threading.Thread(target=read_stream)
        t.start()
        time.sleep(0.3)
        code = s.stop(signal.SIGTERM)
        t.join(30)
        check(code == 0, "exit code %r" % code)
        check(events and events[-1][1] == "[DONE]", events[-2:])
    path = os.path.join(state, "room-live1.json")
    check(os.path.exists(path), os.listdir(state))
    rep = json.load(open(path, encoding="utf-8"))
    check(rep["received"] == len(VALID) and rep["labelled"] > 0, rep)


def main():
    with Server(BINARY, "-m", MODEL, "--slots", "16", "--ctx", "512", "--no-access-log") as s:
        run("models and health", test_models_health, s)
        run("chat completion shape", test_chat_shape, s)
        run("16 concurrent greedy requests equal each alone", test_batching_matches_alone, s)
        run("streaming: whole UTF-8 characters, [DONE], usage", test_stream, s)
        run("completions: prompt forms, echo, stop, seed", test_completions, s)
        run("curl, as docs/serve.md shows it", test_curl, s)
        run("embeddings", test_embeddings, s)
        run("bad requests get OpenAI-shaped 4xx", test_bad_requests, s)
        run("a client that leaves frees its slot", test_disconnect_cancels, s)
        run("live room: product, answers, script, comments, report", test_room, s)
        run("metrics", test_metrics, s)
    run("limits: 413, 431, slow client, 429, room limit, flood", test_limits, BINARY)
    run("a request past its time limit: 504 / error event", test_timeout, BINARY)
    run("SIGTERM: streams end, room reports written", test_shutdown_writes_reports, BINARY)
    if failures:
        print("%d failed: %s" % (len(failures), ", ".join(failures)))
        return 1
    print("all server checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
