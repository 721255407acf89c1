"""Checks gguf_init.py's output against liveformer itself:

  python check_gguf_init.py --init INIT_DIR --gguf models/liveformer-demo-zh.gguf --corpus CORPUS_4
                            [--liveformer build/liveformer] [--texts 300] [--prompts 6]

1. tokenization: SentencePiece with INIT_DIR/tokenizer.model gives liveformer's
   ids (`liveformer tokenize`) on --texts texts drawn from the corpus (whole
   ChatML prompts, product blocks, questions, answers with 【slots】, comments
   with emoji / traditional characters / URLs).
2. weights: greedy decoding in PyTorch with INIT_DIR/model.pt (the q8_0
   weights dequantized) matches `liveformer generate --temp 0` on --prompts
   prompts (old and slot format); a difference is reported with PyTorch's
   top-2 margins (q8_0 activations in liveformer may flip a near-tie).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import sentencepiece as spm
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_export import compare_greedy, run_liveformer  # noqa: E402
from model import Config, Llama  # noqa: E402
from prompts import chatml  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--init", type=Path, required=True)
    ap.add_argument("--gguf", type=Path, required=True)
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--liveformer", default=str(Path(__file__).resolve().parents[2] / "build" / "liveformer"))
    ap.add_argument("--texts", type=int, default=300)
    ap.add_argument("--prompts", type=int, default=6)
    ap.add_argument("-n", type=int, default=24)
    args = ap.parse_args()
    torch.set_num_threads(2)
    rng = random.Random(7)
    sp = spm.SentencePieceProcessor(model_file=str(args.init / "tokenizer.model"))

    rows = {t: [json.loads(line) for line in (args.corpus / "train" / f"{t}.jsonl").open(encoding="utf-8")]
            for t in ("script", "qa", "classify", "copy")}
    texts = []
    per = args.texts // 6
    for r in rng.sample(rows["script"], per // 2) + rng.sample(rows["qa"], per // 2):
        texts.append(chatml([tuple(m) for m in r["messages"]]).removesuffix("\n"))  # a whole example
    for r in rng.sample(rows["qa"], per):
        texts.append(r["messages"][0][1])  # system + product block
    for r in rng.sample(rows["qa"], per) + rng.sample(rows["script"], per // 2):
        texts.append(r["messages"][-1][1])  # answers with slots
        texts.append(r["messages"][1][1])   # the viewer's question / request
    for r in rng.sample(rows["classify"], args.texts - len(texts) - 20):
        texts.append(r["messages"][1][1])
    texts += [r["messages"][1][1] for r in rng.sample(rows["copy"], 10)]
    texts += ["  两个空格  ", "\n\n", "繁體字：這個價錢", "🤖😀👍🏻❤️", "www.abc.com 加vx abc123", "【品牌】名字｜X-1",
              "价格：59.9元\n库存：1234件", "tab\there", "¥99.00", "ＡＢＣ全角"]
    bad = 0
    for t in texts:
        got = [int(x) for x in run_liveformer(args.liveformer, ["tokenize", "-m", str(args.gguf), "--stdin"], t).split()]
        want = sp.encode(t)
        if got != want:
            bad += 1
            print(f"  tokenize mismatch for {t[:40]!r}: liveformer {got[:12]} sp {want[:12]}")
    print(f"[{'ok' if bad == 0 else 'FAIL'}] tokenization: {len(texts) - bad}/{len(texts)} texts give liveformer's ids")

    ck = torch.load(args.init / "model.pt", map_location="cpu", weights_only=False)
    model = Llama(Config(**ck["config"]))
    model.load_state_dict(ck["model"])
    model.eval()
    prompts = []
    for i in range(args.prompts):
        r = rng.choice(rows[["script", "qa", "classify"][i % 3]])
        prompts.append(chatml([tuple(m) for m in r["messages"][:-1]], True) + ("意图：" if i % 3 == 2 else ""))
    same = sum(identical for identical, _ in compare_greedy(model, sp, prompts, args.liveformer, args.gguf, args.n))
    print(f"[{'ok' if same == len(prompts) else 'CHECK'}] greedy {args.n} tokens: {same}/{len(prompts)} prompts identical")
    sys.exit(0 if bad == 0 else 1)


if __name__ == "__main__":
    main()
