"""Trains the demo model on the CPU; resumable.

  python train.py --corpus CORPUS_DIR --tokenizer TOKENIZER.model --out RUN_DIR
                  [--preset full|smoke] [--steps N] [--threads 2] ...

Each example is the ChatML text of one conversation (prompts.chatml), cut
after the assistant's closing <|im_end|>. The loss is taken only on the
assistant's tokens, closing <|im_end|> included: the system and user turns
hold random product names/numbers and viewer text that the model only has to
read, and their unpredictable tokens would otherwise dominate the loss and
the model's capacity.

Batches hold examples of similar length (right-padded, at most
--batch-tokens padded tokens). The batch order of epoch e depends only on
(seed, e), so a resumed run continues exactly where it stopped.

RUN_DIR/
  config.json       model config and training arguments
  ckpt.pt           last checkpoint (model, optimizer, position); written
                    every --ckpt-minutes and at the end, atomically. If it
                    exists, training resumes from it.
  loss.csv          step, epoch, tokens, loss, lr, elapsed_s, step_s and, every
                    --eval-every steps, validation losses on held-out products
  model.pt          final weights + config (input of export_gguf.py)
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np
import sentencepiece as spm
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from model import Config, Llama  # noqa: E402
from prompts import IM_END, chatml, classify_answer, classify_messages, qa_messages, script_messages  # noqa: E402

PRESETS = {
    # ~4.8M parameters (19 MB as f32 GGUF, under the 20 MB limit for models/).
    "full": dict(model=dict(vocab_size=4096, dim=256, n_layers=6, n_heads=8, n_kv_heads=2, ffn_dim=608, max_seq_len=512),
                 # ~1,800 steps x ~4k tokens = ~7M tokens (about one epoch): ~6 CPU-seconds a step,
                 # ~3 s wall on 2 otherwise idle cores, so 1.5-2 hours.
                 steps=1800, batch_tokens=4096, lr=1.5e-3, warmup=100, eval_every=200),
    # ~0.35M parameters, under a second a step: proves the pipeline, not the model.
    "smoke": dict(model=dict(vocab_size=4096, dim=64, n_layers=2, n_heads=4, n_kv_heads=2, ffn_dim=160, max_seq_len=512),
                  steps=40, batch_tokens=2048, lr=3e-3, warmup=5, eval_every=20),
}


# --- data -------------------------------------------------------------------

def encode_example(sp: spm.SentencePieceProcessor, messages: list) -> tuple[list[int], int]:
    """ChatML ids of a conversation whose last message is the assistant's,
    and the index of its first assistant-content token."""
    prompt = chatml([tuple(m) for m in messages[:-1]], add_generation_prompt=True)
    answer = messages[-1][1] + IM_END
    p, a = sp.encode(prompt), sp.encode(answer)
    return p + a, len(p)


def load_split(sp, corpus: Path, cache: Path, max_len: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(flat ids, offsets [N+1], answer starts [N]) of every training example; cached."""
    if cache.exists():
        d = np.load(cache)
        return d["ids"], d["offsets"], d["starts"]
    ids, offsets, starts = [], [0], []
    checked = 0
    for task in ("script", "qa", "classify", "copy"):
        path = corpus / "train" / f"{task}.jsonl"
        if task == "copy" and not path.exists():
            continue  # the auxiliary copy task is optional (stage 2)
        for line in path.open(encoding="utf-8"):
            msgs = json.loads(line)["messages"]
            x, s = encode_example(sp, msgs)
            if checked < 300:  # the split encoding must equal the whole text's
                full = sp.encode(chatml([tuple(m) for m in msgs]).removesuffix("\n"))
                assert full == x, f"prompt/answer split changes tokenization: {msgs[-1][1]!r}"
                checked += 1
            assert len(x) <= max_len, f"example of {len(x)} tokens exceeds context {max_len}"
            ids.extend(x)
            offsets.append(len(ids))
            starts.append(s)
    out = np.asarray(ids, np.int32), np.asarray(offsets, np.int64), np.asarray(starts, np.int32)
    np.savez(cache, ids=out[0], offsets=out[1], starts=out[2])
    return out


def load_validation(sp, corpus: Path) -> dict[str, list[tuple[list[int], int]]]:
    """Held-out examples (eval products / comments) with reference answers."""
    def rows(name: str, n: int) -> list[dict]:
        with (corpus / "eval" / f"{name}.jsonl").open(encoding="utf-8") as f:
            return [json.loads(line) for _, line in zip(range(n), f)]
    # Rows with "messages" (corpus_stage4.py: the slot format) are used as written.
    val = {
        "script": [encode_example(sp, r["messages"] if "messages" in r else
                                  script_messages(r["product"], r["request"]) + [("assistant", r["reference"])])
                   for r in rows("script", 48)],
        "qa": [encode_example(sp, r["messages"] if "messages" in r else
                              qa_messages(r["product"], r["question"]) + [("assistant", r["reference"])])
               for r in rows("qa", 96)],
        "classify": [encode_example(sp, classify_messages(r["comment"]) + [("assistant", classify_answer(r["intent"], r["sentiment"]))])
                     for r in rows("classify", 192)],
    }
    return val


def make_batch(examples: list[tuple[list[int], int]]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """inputs [B, T-1], targets [B, T-1], loss mask [B, T-1] (right-padded)."""
    t = max(len(x) for x, _ in examples)
    ids = torch.zeros(len(examples), t, dtype=torch.long)
    mask = torch.zeros(len(examples), t, dtype=torch.bool)
    for i, (x, s) in enumerate(examples):
        ids[i, : len(x)] = torch.as_tensor(x)
        mask[i, s: len(x)] = True  # targets = answer tokens, closing <|im_end|> included
    return ids[:, :-1], ids[:, 1:], mask[:, 1:]


def epoch_batches(lengths: np.ndarray, epoch: int, seed: int, batch_tokens: int) -> list[np.ndarray]:
    """Example indices per batch: shuffle, sort chunks by length, pack, shuffle."""
    rng = np.random.default_rng([seed, epoch])
    order = rng.permutation(len(lengths))
    batches = []
    chunk = 2000
    for c in range(0, len(order), chunk):
        idx = order[c: c + chunk]
        idx = idx[np.argsort(lengths[idx], kind="stable")]
        cur: list[int] = []
        longest = 0
        for i in idx:
            n = int(lengths[i])
            if cur and max(longest, n) * (len(cur) + 1) > batch_tokens:
                batches.append(np.asarray(cur))
                cur, longest = [], 0
            cur.append(int(i))
            longest = max(longest, n)
        if cur:
            batches.append(np.asarray(cur))
    perm = rng.permutation(len(batches))
    return [batches[i] for i in perm]


def masked_loss(model: Llama, inputs, targets, mask) -> torch.Tensor:
    return F.cross_entropy(model(inputs, select=mask), targets[mask])


@torch.no_grad()
def validate(model: Llama, val: dict, batch: int = 16) -> dict[str, float]:
    model.eval()
    out = {}
    for task, exs in val.items():
        total, count = 0.0, 0
        for i in range(0, len(exs), batch):
            inputs, targets, mask = make_batch(exs[i: i + batch])
            total += F.cross_entropy(model(inputs, select=mask), targets[mask], reduction="sum").item()
            count += int(mask.sum())
        out[task] = total / count
    model.train()
    return out


# --- training ---------------------------------------------------------------

def lr_at(step: int, total: int, peak: float, warmup: int) -> float:
    if step < warmup:
        return peak * (step + 1) / warmup
    t = (step - warmup) / max(1, total - warmup)
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, t))))


def save_atomic(obj, path: Path) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--tokenizer", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--preset", choices=list(PRESETS), default="full")
    ap.add_argument("--steps", type=int, help="total optimizer steps (default: the preset's)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--ckpt-minutes", type=float, default=10.0)
    ap.add_argument("--init", type=Path,
                    help="start from these weights (a model.pt) instead of random ones; optimizer and step "
                         "start afresh (a warm start on a new corpus). Ignored when RUN_DIR/ckpt.pt exists")
    ap.add_argument("--lr", type=float, help="peak learning rate (default: the preset's)")
    ap.add_argument("--warmup", type=int, help="warmup steps (default: the preset's)")
    ap.add_argument("--stop-at", type=int, default=0,
                    help="leave (checkpoint saved) once the run reaches this step; with a later call on another "
                         "--steps it reproduces a schedule that was changed mid-run")
    ap.add_argument("--deadline", default="",
                    help="UTC time the run must end by (ISO, e.g. 2026-12-07T14:36): every 25 steps the step count "
                         "is set to what the measured s/step (last 200 steps) allows, at most --steps, so the cosine "
                         "still ends at 10%% in time on a machine shared with builds. The count is kept in ckpt.pt")
    ap.add_argument("--stop-after", type=int, default=0,
                    help="leave after this many steps in this run (checkpoint saved); for testing resume")
    args = ap.parse_args()
    preset = dict(PRESETS[args.preset])
    if args.lr is not None:
        preset["lr"] = args.lr
    if args.warmup is not None:
        preset["warmup"] = args.warmup
    total_steps = max_steps = args.steps or preset["steps"]
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)

    sp = spm.SentencePieceProcessor(model_file=str(args.tokenizer))
    cfg = Config(**preset["model"])
    assert sp.get_piece_size() == cfg.vocab_size, f"tokenizer has {sp.get_piece_size()} pieces, model {cfg.vocab_size}"
    ids, offsets, starts = load_split(sp, args.corpus, args.out / "train_tokens.npz", cfg.max_seq_len)
    lengths = np.diff(offsets)
    val = load_validation(sp, args.corpus)

    model = Llama(cfg)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=preset["lr"], betas=(0.9, 0.95))
    state = {"step": 0, "epoch": 0, "pos": 0, "tokens": 0, "elapsed": 0.0}
    ckpt = args.out / "ckpt.pt"
    if ckpt.exists():
        c = torch.load(ckpt, weights_only=False)
        assert c["config"] == cfg.to_dict(), "checkpoint is for another model config; use another --out"
        model.load_state_dict(c["model"])
        opt.load_state_dict(c["opt"])
        state = c["state"]
        if args.deadline:  # keep what an earlier --deadline lowered the step count to
            total_steps = min(total_steps, state.get("total_steps", total_steps))
        print(f"resumed from {ckpt} at step {state['step']} (of {total_steps})", flush=True)
    elif args.init:
        c = torch.load(args.init, weights_only=False)
        assert c["config"] == cfg.to_dict(), f"{args.init} is for another model config"
        model.load_state_dict(c["model"])
        print(f"warm start from {args.init}", flush=True)
    (args.out / "config.json").write_text(json.dumps({"model": cfg.to_dict(), "preset": args.preset, "steps": total_steps,
                                                     "seed": args.seed, "threads": args.threads,
                                                     "batch_tokens": preset["batch_tokens"], "lr": preset["lr"],
                                                     "warmup": preset["warmup"],
                                                     "init": str(args.init) if args.init else None}, indent=1))
    print(f"params {model.num_params():,}; {len(lengths):,} examples, {int(lengths.sum()):,} tokens; "
          f"steps {state['step']} -> {total_steps}", flush=True)

    log_path = args.out / "loss.csv"
    fields = ["step", "epoch", "tokens", "loss", "lr", "elapsed_s", "step_s", "val_script", "val_qa", "val_classify"]
    new_log = not log_path.exists()
    log = log_path.open("a", newline="")
    writer = csv.DictWriter(log, fieldnames=fields)
    if new_log:
        writer.writeheader()

    def checkpoint() -> None:
        save_atomic({"config": cfg.to_dict(), "model": model.state_dict(), "opt": opt.state_dict(), "state": state}, ckpt)

    if args.stop_at and state["step"] >= args.stop_at:
        print(f"already at step {state['step']} (--stop-at {args.stop_at})", flush=True)
        return
    batches = epoch_batches(lengths, state["epoch"], args.seed, preset["batch_tokens"])
    deadline = None
    if args.deadline:
        from datetime import datetime, timezone
        deadline = datetime.fromisoformat(args.deadline).replace(tzinfo=timezone.utc).timestamp()
    recent: list[float] = []  # wall time of the last steps (validation included)
    last_ckpt = time.time()
    run_steps = 0
    model.train()
    while state["step"] < total_steps:
        if state["pos"] >= len(batches):
            state["epoch"] += 1
            state["pos"] = 0
            batches = epoch_batches(lengths, state["epoch"], args.seed, preset["batch_tokens"])
        t0 = time.time()
        if deadline and len(recent) >= 25 and state["step"] % 25 == 0:
            per_step = sum(recent[-200:]) / len(recent[-200:])
            fits = state["step"] + int((deadline - t0 - 60) / per_step)  # a minute for the last checkpoint
            fits = max(state["step"] + 1, min(max_steps, fits))
            if abs(fits - total_steps) >= 10 or (fits < total_steps and fits <= state["step"] + 1):
                total_steps = fits
                print(f"deadline: {per_step:.2f} s/step, step count now {total_steps}", flush=True)
            state["total_steps"] = total_steps
        idx = batches[state["pos"]]
        inputs, targets, mask = make_batch([(ids[offsets[i]: offsets[i + 1]].tolist(), int(starts[i])) for i in idx])
        lr = lr_at(state["step"], total_steps, preset["lr"], preset["warmup"])
        for g in opt.param_groups:
            g["lr"] = lr
        loss = masked_loss(model, inputs, targets, mask)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        dt = time.time() - t0
        state["step"] += 1
        state["pos"] += 1
        state["tokens"] += int(inputs.numel())
        state["elapsed"] += dt
        run_steps += 1
        row = {"step": state["step"], "epoch": state["epoch"], "tokens": state["tokens"], "loss": f"{loss.item():.4f}",
               "lr": f"{lr:.6g}", "elapsed_s": f"{state['elapsed']:.1f}", "step_s": f"{dt:.3f}"}
        if state["step"] % preset["eval_every"] == 0 or state["step"] == total_steps:
            v = validate(model, val)
            row.update({f"val_{k}": f"{x:.4f}" for k, x in v.items()})
            print(f"step {state['step']}: loss {loss.item():.4f} val {v} ({dt:.2f}s/step)", flush=True)
        writer.writerow(row)
        log.flush()
        recent.append(time.time() - t0)
        done = state["step"] >= total_steps
        stop = (args.stop_after and run_steps >= args.stop_after) or (args.stop_at and state["step"] >= args.stop_at)
        if done or stop or time.time() - last_ckpt >= args.ckpt_minutes * 60:
            checkpoint()
            last_ckpt = time.time()
        if stop and not done:
            print(f"stopping at step {state['step']} (--stop-after/--stop-at); rerun to resume", flush=True)
            return
    log.close()
    save_atomic({"config": cfg.to_dict(), "model": model.state_dict()}, args.out / "model.pt")
    print(f"done: {state['step']} steps, {state['tokens']:,} tokens, {state['elapsed'] / 60:.1f} min -> {args.out / 'model.pt'}")


if __name__ == "__main__":
    main()
