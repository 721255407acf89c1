"""Evaluates a demo model with liveformer itself: the three apps, built on
the C API, run on held-out products and comments exactly as a user runs
them (greedy decoding), and their outputs are checked.

    python3 tools/demo_model/eval.py [--model models/liveformer-demo-zh.gguf]
        [--apps build/examples] [--corpus ../demo_model_work/corpus-3] [--limit N] [--json OUT]
        [--tasks script,qa,comments]

  script   script-gen --temp 0: the script contains the product's exact name
           and price (the strings in eval/script.jsonl "expect")
  qa       live-qa (greedy, prefix cache): the answer contains every string
           the asked fact needs (eval/qa.jsonl "expect")
  leaks    scripts and answers holding a word of the classification answer
           (意图, price, complaint...): the comment task bleeding into them
  intent, sentiment
           comment-analysis (scoring the 21 labels): accuracy on
           eval/classify.jsonl, also split into comments whose template
           occurs in training and those whose template never does

The corpus is what run_all.sh writes: corpus/ (stage 1), corpus-2/ (stage
2), corpus-3/ (stage 3, the default: the shipped model's held-out set).
Each is seeded and recreated in seconds by corpus.py / corpus_stage3.py.
Held-out products and comments never occur in training. Standard library
only.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def read_jsonl(path: Path, limit: int | None) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows[:limit] if limit else rows


def run(cmd: list[str], **kw) -> str:
    r = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", **kw)
    if r.returncode != 0:
        raise SystemExit(f"eval: {' '.join(map(str, cmd))} failed ({r.returncode}): {r.stderr.strip()[:500]}")
    return r.stdout


# Words of the classification answer ("意图：price；情感：neutral"): in a
# script or an answer they are the other task leaking into this one.
LABEL_WORDS = ("意图", "情感", "price", "spec", "shipping", "purchase", "praise", "complaint", "other",
               "positive", "neutral", "negative")


def leaks_label(text: str) -> bool:
    return any(w in text for w in LABEL_WORDS)


def eval_scripts(apps: Path, model: Path, rows: list[dict], tmp: Path) -> tuple[int, int, dict, list[dict]]:
    ok, misses, parts, leaked = 0, [], {"name": 0, "price": 0, "label_leak": 0}, []
    for i, row in enumerate(rows):
        product = tmp / f"script-{i}.json"
        product.write_text(json.dumps(row["product"], ensure_ascii=False), encoding="utf-8")
        out = json.loads(run([str(apps / "script-gen"), "--model", str(model), "--temp", "0", "--json",
                              "--request", row["request"], str(product)]))
        name, price = row["expect"]  # (exact name, price as the prompt writes it)
        parts["name"] += name in out["script"]
        parts["price"] += price in out["script"]
        if leaks_label(out["script"]):
            parts["label_leak"] += 1
            leaked.append(out["script"][:300])
        if name in out["script"] and price in out["script"]:
            ok += 1
        elif len(misses) < 5:
            misses.append({"expect": row["expect"], "script": out["script"][:200]})
    return ok, len(rows), {k: v / len(rows) for k, v in parts.items()}, misses + [{"leak": t} for t in leaked[:5]]


def eval_qa(apps: Path, model: Path, rows: list[dict], tmp: Path) -> tuple[int, int, dict, float, list[dict]]:
    by_product: dict[str, list[dict]] = defaultdict(list)
    products: dict[str, dict] = {}
    for row in rows:
        name = row["product"]["name"]
        by_product[name].append(row)
        products[name] = row["product"]
    ok, per_type, misses = 0, defaultdict(lambda: [0, 0]), []
    leaks = 0
    for i, (name, qs) in enumerate(by_product.items()):
        product = tmp / f"qa-{i}.json"
        product.write_text(json.dumps(products[name], ensure_ascii=False), encoding="utf-8")
        questions = tmp / f"qa-{i}.txt"
        questions.write_text("".join(q["question"] + "\n" for q in qs), encoding="utf-8")
        lines = [json.loads(x) for x in run([str(apps / "live-qa"), "--model", str(model), "--questions",
                                             str(questions), str(product)]).splitlines() if x.strip()]
        assert len(lines) == len(qs), f"live-qa answered {len(lines)} of {len(qs)} questions"
        for q, a in zip(qs, lines):
            good = all(e in a["answer"] for e in q["expect"])
            if leaks_label(a["answer"]):
                leaks += 1
                misses.append({"question": q["question"], "leak": a["answer"]})
            ok += good
            per_type[q["qtype"]][0] += good
            per_type[q["qtype"]][1] += 1
            if not good and len(misses) < 5:
                misses.append({"question": q["question"], "expect": q["expect"], "answer": a["answer"]})
    return ok, len(rows), {k: v[0] / v[1] for k, v in sorted(per_type.items())}, leaks / len(rows), misses


def eval_comments(apps: Path, model: Path, rows: list[dict], tmp: Path) -> dict:
    feed = tmp / "comments.jsonl"
    # One user per comment, far apart in time: nothing counts as a duplicate.
    feed.write_text("".join(json.dumps({"t": 1000 * i, "user": f"u{i}", "text": r["comment"]}, ensure_ascii=False) + "\n"
                            for i, r in enumerate(rows)), encoding="utf-8")
    out_dir = tmp / "report"
    run([str(apps / "comment-analysis"), "--model", str(model), "--out", str(out_dir), str(feed)])
    report = json.loads((out_dir / "report.json").read_text(encoding="utf-8"))
    labels = {c["t"] // 1000: (c["intent"], c["sentiment"]) for c in report["comments"]}
    assert len(labels) == len(rows), f"comment-analysis classified {len(labels)} of {len(rows)} comments"
    result = {}
    for part, keep in (("all", lambda r: True), ("seen_template", lambda r: not r["unseen_template"]),
                       ("unseen_template", lambda r: r["unseen_template"])):
        idx = [i for i, r in enumerate(rows) if keep(r)]
        if not idx:
            continue
        result[part] = {
            "n": len(idx),
            "intent": sum(labels[i][0] == rows[i]["intent"] for i in idx) / len(idx),
            "sentiment": sum(labels[i][1] == rows[i]["sentiment"] for i in idx) / len(idx),
        }
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=str(REPO / "models" / "liveformer-demo-zh.gguf"))
    ap.add_argument("--apps", default=str(REPO / "build" / "examples"))
    ap.add_argument("--corpus", default=str(REPO.parent / "demo_model_work" / "corpus-3"))
    ap.add_argument("--limit", type=int, help="evaluate only the first N examples of each task")
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("--tasks", default="script,qa,comments", help="comma-separated subset of script,qa,comments")
    args = ap.parse_args()
    model, apps, eval_dir = Path(args.model), Path(args.apps), Path(args.corpus) / "eval"
    for p in (model, apps / "script-gen", apps / "live-qa", apps / "comment-analysis", eval_dir / "script.jsonl"):
        if not p.exists():
            raise SystemExit(f"eval: {p} not found (see the docstring: --model, --apps, --corpus)")

    tasks = set(args.tasks.split(","))
    if not tasks <= {"script", "qa", "comments"}:
        raise SystemExit(f"eval: --tasks takes script, qa, comments (got {args.tasks})")
    results: dict = {"model": str(model)}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if "script" in tasks:
            t0 = time.time()
            ok, n, parts, misses = eval_scripts(apps, model, read_jsonl(eval_dir / "script.jsonl", args.limit), tmp)
            results["script"] = {"n": n, "name_and_price": ok / n, "name": parts["name"], "price": parts["price"],
                                 "label_leak": parts["label_leak"], "seconds": round(time.time() - t0, 1),
                                 "misses": misses}
        if "qa" in tasks:
            t0 = time.time()
            ok, n, per_type, leaks, misses = eval_qa(apps, model, read_jsonl(eval_dir / "qa.jsonl", args.limit), tmp)
            results["qa"] = {"n": n, "correct": ok / n, "by_fact": per_type, "label_leak": leaks,
                             "seconds": round(time.time() - t0, 1), "misses": misses}
        if "comments" in tasks:
            t0 = time.time()
            results["comments"] = eval_comments(apps, model, read_jsonl(eval_dir / "classify.jsonl", args.limit), tmp)
            results["comments"]["seconds"] = round(time.time() - t0, 1)

    print(f"model: {model}")
    print(f"{'task':<34}{'n':>6}  {'result':>8}  target")
    if "script" in results:
        print(f"{'script: exact name and price':<34}{results['script']['n']:>6}  {results['script']['name_and_price']:>8.1%}  >= 95%")
        print(f"  name alone {results['script']['name']:.1%}, price alone {results['script']['price']:.1%}, "
              f"classification words leaked in {results['script']['label_leak']:.1%}")
    if "qa" in results:
        print(f"{'qa: the asked fact':<34}{results['qa']['n']:>6}  {results['qa']['correct']:>8.1%}  >= 80%")
        print(f"  classification words leaked in {results['qa']['label_leak']:.1%}")
    if "comments" in results:
        c = results["comments"]["all"]
        print(f"{'comments: intent':<34}{c['n']:>6}  {c['intent']:>8.1%}  >= 85%")
        print(f"{'comments: sentiment':<34}{c['n']:>6}  {c['sentiment']:>8.1%}  >= 85%")
        for part in ("seen_template", "unseen_template"):
            if part in results["comments"]:
                p = results["comments"][part]
                print(f"  {part:<32}{p['n']:>6}  intent {p['intent']:.1%}, sentiment {p['sentiment']:.1%}")
    if "qa" in results:
        print("qa by fact: " + ", ".join(f"{k} {v:.0%}" for k, v in results["qa"]["by_fact"].items()))
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
