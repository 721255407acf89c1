#!/usr/bin/env python3
"""live-qa's per-question latency against the length of the product text,
with the prefix cache (the default) and without it (--no-prefix-cache).

The long products are the same JSON with numbered copies of its selling
points appended until the product's system turn (as script-gen
--print-prompt renders it, which is what live-qa sends) is FACTOR times as
long. Answers differ in length between products (and the demo model's
answers degrade past its 512 trained positions), so besides the median
latency each configuration gets a least-squares fit
    latency = fixed + per_token * answer_tokens
over its questions: `fixed` is what a question costs before its first answer
token (its own prompt, or the whole prompt without the cache), `per_token`
one decoding step; the last column, fixed + N * per_token, compares the
configurations at one answer length. Runs are interleaved (every
configuration once, then again) so that load from other work spreads over
all of them; the first question of each run is left out (warm-up).

    python3 tools/bench/live_qa_latency.py [--live-qa build/examples/live-qa] [--model M]
        [--product examples/data/product.json] [--factors 1,8] [--questions 20] [--repeats 3]
        [--max-tokens 32] [--ctx 4096] [--answer-tokens 16]

The context's threads are the C API's default, all cores.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
QUESTIONS = ["这个多少钱？", "有XL吗", "什么时候发货？", "是什么面料", "能退货吗", "有什么颜色"]


def system_turn_chars(script_gen, product):
    out = subprocess.run([script_gen, "--print-prompt", "-"], input=json.dumps(product, ensure_ascii=False).encode(),
                         capture_output=True, check=True).stdout.decode()
    return len(out.split("<|im_end|>")[0])


def lengthen(script_gen, product, factor):
    """The product with numbered selling points appended until its system turn is factor times as long."""
    if factor == 1:
        return product, system_turn_chars(script_gen, product)
    target = factor * system_turn_chars(script_gen, product)
    points = list(product["selling_points"])
    longer = dict(product)
    k = 0
    while True:
        longer["selling_points"] = points + ["第%d点：%s" % (i + 1, points[i % len(points)]) for i in range(k)]
        chars = system_turn_chars(script_gen, longer)
        if chars >= target:
            return longer, chars
        k += 1


def fit(rows):
    """Least squares latency = a + b * tokens; (a, b), or (None, None) if the tokens do not vary."""
    xs = [r["tokens"] for r in rows]
    ys = [r["latency_ms"] for r in rows]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None, None
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    return my - b * mx, b


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--live-qa", default=os.path.join(REPO, "build", "examples", "live-qa"))
    ap.add_argument("--model", default=os.path.join(REPO, "models", "liveformer-demo-zh.gguf"))
    ap.add_argument("--product", default=os.path.join(REPO, "examples", "data", "product.json"))
    ap.add_argument("--factors", default="1,8", help="product text lengths, as multiples of the original")
    ap.add_argument("--questions", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--max-tokens", type=int, default=32)
    ap.add_argument("--ctx", type=int, default=4096)
    ap.add_argument("--answer-tokens", type=int, default=16, help="answer length for the fitted comparison column")
    args = ap.parse_args()
    script_gen = os.path.join(os.path.dirname(args.live_qa), "script-gen")
    product = json.load(open(args.product, encoding="utf-8"))
    factors = [int(f) for f in args.factors.split(",")]

    with tempfile.TemporaryDirectory(prefix="live_qa_latency.") as tmp:
        qfile = os.path.join(tmp, "questions.txt")
        with open(qfile, "w", encoding="utf-8") as f:
            f.write("".join(QUESTIONS[i % len(QUESTIONS)] + "\n" for i in range(args.questions)))
        products, chars = {}, {}
        for factor in factors:
            p, chars[factor] = lengthen(script_gen, product, factor)
            products[factor] = os.path.join(tmp, "product_x%d.json" % factor)
            json.dump(p, open(products[factor], "w", encoding="utf-8"), ensure_ascii=False)

        configs = [(factor, mode) for factor in factors for mode in ("cached", "no cache")]
        rows = {c: [] for c in configs}
        prefix = {}
        for _ in range(args.repeats):
            for factor, mode in configs:
                cmd = [args.live_qa, "--model", args.model, "--ctx", str(args.ctx), "--max-tokens", str(args.max_tokens),
                       "--questions", qfile, products[factor]]
                if mode == "no cache":
                    cmd.insert(1, "--no-prefix-cache")
                r = subprocess.run(cmd, capture_output=True, check=True)
                answers = [json.loads(line) for line in r.stdout.decode().splitlines()]
                rows[(factor, mode)] += answers[1:]
                for line in r.stderr.decode().splitlines():
                    if "product prompt" in line:
                        prefix[factor] = int(line.split("product prompt ")[1].split()[0])

    print("live-qa %s, model %s, %d cores, load average %s, %d questions x %d runs, --max-tokens %d, --ctx %d"
          % (os.path.relpath(args.live_qa, REPO), os.path.relpath(args.model, REPO), os.cpu_count(),
             " ".join("%.1f" % x for x in os.getloadavg()), args.questions - 1, args.repeats, args.max_tokens, args.ctx))
    print("| product text | product prompt tokens | prefix cache | median latency ms | median answer tokens "
          "| fixed ms (before the 1st token) | ms per answer token | ms for a %d-token answer |" % args.answer_tokens)
    print("|---|---|---|---|---|---|---|---|")
    for factor, mode in configs:
        rs = rows[(factor, mode)]
        a, b = fit(rs)
        print("| %d× (%d characters) | %d | %s | %.1f | %d | %s | %s | %s |" % (
            factor, chars[factor], prefix[factor], mode, statistics.median(r["latency_ms"] for r in rs),
            statistics.median(r["tokens"] for r in rs), "-" if a is None else "%.1f" % a,
            "-" if b is None else "%.2f" % b, "-" if a is None else "%.0f" % (a + args.answer_tokens * b)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
