#!/usr/bin/env python3
"""Load benchmark for liveformer serve (docs/performance.md, "Serving").

Starts the server on a free loopback port (or uses --url), then measures:
  * streaming chat clients at 1, 4, 16 and 64 concurrent: total generated
    tokens/s, time to first token p50/p99, inter-token latency p50/p99;
    every request asks about the same product (its system prompt is
    evaluated once and then comes from the prefix cache, as in a live room);
  * a replayed comment stream into one room over its WebSocket at a target
    rate (default 1,000 comments/s): label latency p50/p99, counts;
  * --soak SECONDS: N clients for that long, RSS sampled (no errors allowed).
Numbers depend on the machine; compare ratios from one run.

  tools/bench_serve.py [--binary build/liveformer-serve] [--model M] [--clients 1,4,16,64]
                       [--seconds 8] [--max-tokens 64] [--comments-rate 1000]
                       [--comments-seconds 10] [--soak 0] [--json]
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "server"))
from serve_client import Server, WebSocket  # noqa: E402

PRODUCT = {
    "name": "云感冰丝防晒衣 X7", "price": 129.9, "original_price": 259, "category": "服装",
    "selling_points": ["防晒UPF50+", "冰丝面料透气不闷汗", "轻薄可收纳"],
    "specs": {"size": ["S", "M", "L", "XL"], "colour": ["米白色", "雾霾蓝"], "material": "冰丝"},
    "promotion": "前100单立减20元", "audience": "通勤上班族",
}
SYSTEM = "你是直播间的客服助手。只根据下面的商品信息回答观众的问题。\n" + json.dumps(PRODUCT, ensure_ascii=False)
QUESTIONS = ["多少钱", "有红色吗", "什么时候发货", "能退吗", "有优惠吗", "尺码偏大吗", "面料是什么", "包邮吗"]


def pct(values, q):
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(q * len(v)))]


API = {"path": "/v1/chat/completions"}


async def stream_once(port, question, max_tokens, ignore_eos):
    req = {"model": "bench", "stream": True, "max_tokens": max_tokens, "temperature": 0, "ignore_eos": ignore_eos}
    if API["path"] == "/v1/chat/completions":
        req["messages"] = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": question}]
    else:  # a model without a chat template: the same product text as a plain prompt
        req["prompt"] = SYSTEM + "\n问：" + question + "\n答："
    body = json.dumps(req).encode()
    t0 = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"POST " + API["path"].encode() + b" HTTP/1.1\r\nHost: b\r\nContent-Type: application/json\r\n"
                 b"Content-Length: %d\r\n\r\n" % len(body) + body)
    await writer.drain()
    status = await reader.readline()
    if b" 200 " not in status:
        writer.close()
        return None
    while (await reader.readline()) not in (b"\r\n", b""):
        pass
    first, stamps, pieces, buf = None, [], 0, b""
    while True:
        size_line = await reader.readline()  # chunked transfer encoding
        if not size_line:
            break
        size = int(size_line.strip() or b"0", 16)
        if size == 0:
            break
        data = await reader.readexactly(size + 2)
        buf += data[:-2]
        while b"\n\n" in buf:
            event, buf = buf.split(b"\n\n", 1)
            payload = event[6:] if event.startswith(b"data: ") else b""
            if payload == b"[DONE]" or not payload:
                continue
            chunk = json.loads(payload)
            choice = chunk["choices"][0] if chunk.get("choices") else {}
            if choice.get("delta", {}).get("content") or choice.get("text"):
                now = time.perf_counter()
                first = first or now
                stamps.append(now)
                pieces += 1
    writer.close()
    return {"ttft": (first - t0) if first else None, "stamps": stamps, "pieces": pieces, "end": time.perf_counter()}


async def clients_run(port, n, seconds, max_tokens):
    """n clients, each streaming one request after another for `seconds`."""
    results = []
    stop = time.perf_counter() + seconds

    async def client(i):
        k = 0
        while time.perf_counter() < stop:
            r = await stream_once(port, QUESTIONS[(i + k) % len(QUESTIONS)], max_tokens, True)
            if r:
                results.append(r)
            k += 1

    t0 = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(n)))
    wall = time.perf_counter() - t0
    return results, wall


def bench_clients(server, args):
    rows = []
    for n in [int(x) for x in args.clients.split(",")]:
        asyncio.run(clients_run(server.port, 1, 0.2, 4))  # warm: the product prompt is now cached
        tokens0 = server.metric("liveformer_decode_tokens_total")
        results, wall = asyncio.run(clients_run(server.port, n, args.seconds, args.max_tokens))
        tokens = server.metric("liveformer_decode_tokens_total") - tokens0
        ttft = [r["ttft"] for r in results if r["ttft"] is not None]
        itl = [b - a for r in results for a, b in zip(r["stamps"], r["stamps"][1:])]
        rows.append({"clients": n, "requests": len(results), "tokens_per_s": tokens / wall,
                     "ttft_p50_ms": pct(ttft, 0.5) * 1e3, "ttft_p99_ms": pct(ttft, 0.99) * 1e3,
                     "itl_p50_ms": pct(itl, 0.5) * 1e3, "itl_p99_ms": pct(itl, 0.99) * 1e3})
    base = rows[0]["tokens_per_s"]
    print("| clients | requests | decode tokens/s | x one client | TTFT p50 ms | TTFT p99 ms | per-token p50 ms | per-token p99 ms |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print("| %d | %d | %.0f | %.2f | %.1f | %.1f | %.1f | %.1f |" % (
            r["clients"], r["requests"], r["tokens_per_s"], r["tokens_per_s"] / base, r["ttft_p50_ms"], r["ttft_p99_ms"],
            r["itl_p50_ms"], r["itl_p99_ms"]))
    return rows


def bench_comments(server, rate, seconds):
    server.request("PUT", "/v1/rooms/bench/product", PRODUCT)
    texts = [json.loads(l)["text"] for l in open(os.path.join(ROOT, "tests", "data", "apps", "comments.jsonl"), encoding="utf-8")
             if l.startswith("{") and isinstance(json.loads(l).get("text"), str)]
    shared = os.environ.get("LIVEFORMER_SHARED", os.path.join(ROOT, "..", "shared"))
    dev = os.path.join(shared, "eval", "dev", "comments.jsonl")
    if os.path.exists(dev):  # measuring only: the texts are replayed, nothing is tuned on them
        texts = [json.loads(l)["text"] for l in open(dev, encoding="utf-8") if l.strip()]
    sender = WebSocket(server.port, "/v1/rooms/bench/comments")
    receiver = WebSocket(server.port, "/v1/rooms/bench/comments")
    sent_at, latencies, seen = {}, [], set()
    done = threading.Event()

    def receive():
        while not done.is_set():
            try:
                m = receiver.recv()
            except OSError:  # closed by the main thread at the end
                return
            if m is None:
                return
            m = json.loads(m)
            if m.get("type") != "labels":
                continue
            now = time.perf_counter()
            for c in m["comments"]:
                cid = c.get("id")
                if cid in sent_at and cid not in seen:
                    seen.add(cid)
                    latencies.append(now - sent_at[cid])

    t = threading.Thread(target=receive, daemon=True)
    t.start()
    tick = 0.05
    per_tick = max(1, int(rate * tick))
    n = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        batch = []
        for _ in range(per_tick):
            batch.append({"id": n, "user": "u%d" % (n % 997), "text": texts[n % len(texts)] + " " + str(n // len(texts))})
            n += 1
        now = time.perf_counter()
        for c in batch:
            sent_at[c["id"]] = now
        sender.send(json.dumps(batch, ensure_ascii=False))
        next_at = start + (n / per_tick) * tick
        time.sleep(max(0, next_at - time.perf_counter()))
    deadline = time.perf_counter() + 15
    while time.perf_counter() < deadline and len(seen) < n:
        rep = server.request("GET", "/v1/rooms/bench/report")[2]
        if rep["pending"] == 0 and len(seen) + rep["dropped"] >= n:
            break
        time.sleep(0.1)
    done.set()
    rep = server.request("GET", "/v1/rooms/bench/report")[2]
    sender.close()
    receiver.close()
    out = {"sent": n, "rate": n / seconds, "labels_back": len(seen), "received": rep["received"], "labelled": rep["labelled"],
           "dropped": rep["dropped"], "duplicates": rep["duplicates"], "empty": rep["empty"], "bad": rep["bad"],
           "p50_ms": pct(latencies, 0.5) * 1e3, "p99_ms": pct(latencies, 0.99) * 1e3}
    counted = rep["labelled"] + rep["dropped"] + rep["duplicates"] + rep["empty"] + rep["bad"]
    print("\ncomments: %d sent at %.0f/s; labels back for %d; server counts %d received = %d labelled + %d dropped + %d repeats"
          " + %d empty + %d bad (%s); label latency p50 %.1f ms, p99 %.1f ms" % (
              n, out["rate"], len(seen), rep["received"], rep["labelled"], rep["dropped"], rep["duplicates"], rep["empty"],
              rep["bad"], "all counted" if counted == rep["received"] == n else "MISMATCH", out["p50_ms"], out["p99_ms"]))
    return out


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def soak(server, seconds, clients, max_tokens):
    samples, errors = [], [0]
    stop = time.time() + seconds

    async def client(i):
        k = 0
        while time.time() < stop:
            r = await stream_once(server.port, QUESTIONS[(i + k) % len(QUESTIONS)], max_tokens, False)
            if r is None:
                errors[0] += 1
            k += 1

    async def sampler():
        while time.time() < stop:
            samples.append((time.time(), rss_kb(server.proc.pid)))
            await asyncio.sleep(10)

    async def all_():
        await asyncio.gather(sampler(), *(client(i) for i in range(clients)))

    asyncio.run(all_())
    third = max(1, len(samples) // 3)
    warm = [kb for _, kb in samples[third:]]
    print("\nsoak: %d s, %d clients, %d errors; RSS after warm-up %d..%d KiB (first sample %d KiB)" % (
        seconds, clients, errors[0], min(warm), max(warm), samples[0][1]))
    return {"errors": errors[0], "rss_kb": samples}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "liveformer-serve"))
    ap.add_argument("--model", default=os.path.join(ROOT, "models", "liveformer-demo-zh.gguf"))
    ap.add_argument("--slots", type=int, default=16)
    ap.add_argument("--ctx", type=int, default=512)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--clients", default="1,4,16,64")
    ap.add_argument("--seconds", type=float, default=8, help="how long each client count runs")
    ap.add_argument("--max-tokens", type=int, default=64)
    ap.add_argument("--comments-rate", type=int, default=1000)
    ap.add_argument("--comments-seconds", type=float, default=10)
    ap.add_argument("--soak", type=int, default=0, help="seconds of soak (32 clients); 0: none")
    ap.add_argument("--completions", action="store_true",
                    help="use /v1/completions with a plain prompt (models without a chat template)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.completions:
        API["path"] = "/v1/completions"
    with Server(args.binary, "-m", args.model, "--slots", str(args.slots), "--ctx", str(args.ctx), "-t", str(args.threads),
                "--max-queue", "1024", "--no-access-log") as server:
        print("model %s, %d slots, ctx %d, on %d cores" % (os.path.basename(args.model), args.slots, args.ctx, os.cpu_count()))
        out = {"clients": bench_clients(server, args)}
        if args.comments_seconds > 0:
            out["comments"] = bench_comments(server, args.comments_rate, args.comments_seconds)
        if args.soak > 0:
            out["soak"] = soak(server, args.soak, 32, args.max_tokens)
        server.stop()
    if args.json:
        print(json.dumps(out, default=float))


if __name__ == "__main__":
    main()
