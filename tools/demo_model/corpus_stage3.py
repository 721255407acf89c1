"""Writes stage 3's corpus from stage 2's (deterministic).

  python corpus_stage3.py CORPUS_2 OUT_DIR [--slot-comments 40000] ...

Stage 3 continues the stage-2 model on comments whose topic word and frame
are drawn apart (danmaku_slots.py), so that intent has to come from the
words that carry it; a replay of stage 2's examples (comments, scripts,
questions, copy task) keeps the other jobs from being forgotten.

OUT_DIR has corpus.py's layout. Its eval/ is stage 2's held-out products
and questions unchanged, and 1,000 held-out comments: stage 2's 500 whose
phrasing was trained on, and 500 around phrasings of danmaku_unseen.py,
which no stage trains on. No training comment contains a held-out phrasing
of any stage (checked at the end); stage 2's own eval/classify.jsonl
stays usable (`eval.py --corpus CORPUS_2`) for comparison.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from pathlib import Path

import danmaku
import danmaku_fragments
import danmaku_slots
import danmaku_unseen
from corpus import write_jsonl
from prompts import classify_answer, classify_messages


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def classify_row(c: dict) -> dict:
    return {"task": "classify", "intent": c["intent"], "sentiment": c["sentiment"],
            "messages": classify_messages(c["comment"]) + [("assistant", classify_answer(c["intent"], c["sentiment"]))]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus2", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=3456)
    ap.add_argument("--slot-comments", type=int, default=40000)
    ap.add_argument("--old-comments", type=int, default=20000, help="stage 2's training comments replayed")
    ap.add_argument("--script", type=int, default=5000, help="stage 2's host scripts replayed")
    ap.add_argument("--qa", type=int, default=10000, help="stage 2's questions replayed")
    ap.add_argument("--copy", type=int, default=6000, help="stage 2's copy-task examples replayed")
    ap.add_argument("--eval-unseen", type=int, default=500)
    args = ap.parse_args()
    rng = random.Random(args.seed)

    heldout_cores = [core for pair in danmaku.PAIR_WEIGHTS for core in danmaku_fragments.heldout_cores(pair)]
    unseen_cores = [core for cores in danmaku_unseen.PHRASINGS.values() for core in cores]
    heldout = [danmaku_slots.phrasing_pattern(c) for c in heldout_cores + unseen_cores]

    def clean(text: str) -> bool:
        return not any(p.search(text) for p in heldout)

    # Evaluation comments: stage 2's seen-phrasing half, then the new unseen ones.
    eval2 = read_jsonl(args.corpus2 / "eval" / "classify.jsonl")
    eval_rows = [r for r in eval2 if not r["unseen_template"]]
    eval_texts = {r["comment"] for r in eval2}
    while sum(r["unseen_template"] for r in eval_rows) < args.eval_unseen:
        c = danmaku_unseen.sample_comment(rng)
        if c["comment"] not in eval_texts:
            eval_texts.add(c["comment"])
            eval_rows.append(c)

    train = {task: read_jsonl(args.corpus2 / "train" / f"{task}.jsonl") for task in ("script", "qa", "classify", "copy")}
    old = [r for r in train["classify"] if clean(r["messages"][1][1]) and r["messages"][1][1] not in eval_texts]
    slots = danmaku_slots.sample_comments(rng, args.slot_comments, heldout, eval_texts)
    rows = {
        "script": rng.sample(train["script"], args.script),
        "qa": rng.sample(train["qa"], args.qa),
        "copy": rng.sample(train["copy"], args.copy),
        "classify": rng.sample(old, args.old_comments) + [classify_row(c) for c in slots],
    }
    rng.shuffle(rows["classify"])

    train_comments = [r["messages"][1][1] for r in rows["classify"]]
    assert not set(train_comments) & eval_texts, "an eval comment is in training"
    assert all(clean(t) for t in train_comments), "a training comment contains a held-out phrasing"

    out: Path = args.out
    for task, task_rows in rows.items():
        write_jsonl(out / "train" / f"{task}.jsonl", task_rows)
    write_jsonl(out / "eval" / "classify.jsonl", eval_rows)
    for name in ("eval/script.jsonl", "eval/qa.jsonl", "catalog_train.jsonl", "catalog_eval.jsonl"):
        shutil.copyfile(args.corpus2 / name, out / name)
    stats = {
        "train_examples": {task: len(r) for task, r in rows.items()},
        "slot_comments": len(slots), "old_comments_kept_clean": len(old),
        "eval_comments": len(eval_rows), "eval_unseen": sum(r["unseen_template"] for r in eval_rows),
        "heldout_phrasings": len(heldout_cores) + len(unseen_cores),
    }
    (out / "stats.json").write_text(json.dumps(stats, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(stats, ensure_ascii=False))


if __name__ == "__main__":
    main()
