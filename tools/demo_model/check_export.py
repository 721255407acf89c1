"""Checks an exported GGUF against the PyTorch model and tokenizer it came from.

  python check_export.py --model RUN_DIR/model.pt --tokenizer tokenizer.model --gguf FILE.gguf \
                         --corpus CORPUS_DIR [--liveformer build/liveformer] [--prompts 6]

1. gguf-py (an independent reader) sees our metadata and tensors: every f32
   tensor equals the PyTorch weight bit for bit; every q8_0 tensor's bytes
   equal gguf-py's own q8_0 quantization of that weight.
2. The file's Jinja chat_template renders the same text as prompts.chatml.
3. liveformer tokenizes prompts, comments (emoji, slang) and odd text to the
   same ids as SentencePiece.
4. Greedy decoding: PyTorch's first N tokens vs `liveformer generate --temp 0
   --no-eos` text on held-out prompts. At a mismatch the PyTorch top-2
   logit margin is printed (a near-tie flips with rounding; a large margin
   means a real difference). For a q8_0 file small divergences are expected.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import sentencepiece as spm
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from model import Config, Llama  # noqa: E402
from prompts import IM_END, IM_START, chatml, classify_messages, qa_messages, script_messages  # noqa: E402


def check_reader(gguf_path: Path, sd: dict, cfg: dict) -> None:
    from gguf import GGMLQuantizationType as Q
    from gguf import GGUFReader
    from gguf.quants import quantize

    r = GGUFReader(str(gguf_path))
    f = {k: v for k, v in r.fields.items()}

    def scalar(key):
        return f[key].parts[f[key].data[0]].tolist()[0]

    def string(key):
        return bytes(f[key].parts[f[key].data[0]]).decode("utf-8")

    assert string("general.architecture") == "llama"
    assert scalar("llama.embedding_length") == cfg["dim"]
    assert scalar("llama.block_count") == cfg["n_layers"]
    assert scalar("llama.attention.head_count_kv") == cfg["n_kv_heads"]
    assert scalar("llama.rope.dimension_count") == cfg["dim"] // cfg["n_heads"]
    assert string("tokenizer.ggml.model") == "llama"
    assert len(f["tokenizer.ggml.tokens"].data) == cfg["vocab_size"]
    names = {"token_embd.weight": "tok_embeddings.weight", "output_norm.weight": "norm.weight",
             "output.weight": "tok_embeddings.weight"}
    g2t = {"attn_norm": "attn_norm", "ffn_norm": "ffn_norm", "attn_q": "wq", "attn_k": "wk", "attn_v": "wv",
           "attn_output": "wo", "ffn_gate": "w_gate", "ffn_up": "w_up", "ffn_down": "w_down"}
    for i in range(cfg["n_layers"]):
        for g, t in g2t.items():
            names[f"blk.{i}.{g}.weight"] = f"layers.{i}.{t}.weight"
    n = 0
    for t in r.tensors:
        ref = sd[names[t.name]]
        assert list(reversed([int(d) for d in t.shape])) == list(ref.shape), f"{t.name}: shape {t.shape} vs {ref.shape}"
        if t.tensor_type == Q.F32:
            assert np.array_equal(np.asarray(t.data).reshape(ref.shape), ref), f"{t.name}: data differs"
        elif t.tensor_type == Q.Q8_0:
            mine = np.asarray(t.data).tobytes()
            theirs = quantize(ref, Q.Q8_0).tobytes()
            assert mine == theirs, f"{t.name}: q8_0 bytes differ from gguf-py's quantization"
        else:
            raise AssertionError(f"{t.name}: unexpected type {t.tensor_type}")
        n += 1
    print(f"[ok] gguf-py reads {len(f)} keys and {n} tensors, all equal to the PyTorch weights")
    return string("tokenizer.chat_template")


def check_template(template: str) -> None:
    import jinja2
    msgs = [("system", "判断弹幕的意图和情感。"), ("user", "多少钱？？")]
    rendered = jinja2.Environment().from_string(template).render(
        messages=[{"role": r, "content": c} for r, c in msgs], add_generation_prompt=True)
    assert rendered == chatml(msgs, add_generation_prompt=True), repr(rendered)
    print("[ok] chat_template renders prompts.chatml's text")


def run_liveformer(exe: str, args: list[str], stdin: str | None = None) -> str:
    p = subprocess.run([exe, *args], input=stdin, capture_output=True, text=True, encoding="utf-8")
    if p.returncode != 0:
        raise RuntimeError(f"{exe} {' '.join(args[:2])} failed: {p.stderr.strip()}")
    return p.stdout


def check_tokenizer(exe: str, gguf_path: Path, sp, texts: list[str]) -> bool:
    bad = 0
    for t in texts:
        got = [int(x) for x in run_liveformer(exe, ["tokenize", "-m", str(gguf_path), "--stdin"], t).split()]
        want = sp.encode(t)
        if got != want:
            bad += 1
            print(f"  tokenize mismatch for {t[:40]!r}: liveformer {got[:12]} sp {want[:12]}")
    print(f"[{'ok' if bad == 0 else 'FAIL'}] tokenization: {len(texts) - bad}/{len(texts)} texts give SentencePiece's ids")
    return bad == 0


@torch.no_grad()
def greedy(model: Llama, ids: list[int], n: int) -> tuple[list[int], list[float]]:
    out, margins = [], []
    x = list(ids)
    for _ in range(n):
        logits = model(torch.tensor([x]))[0, -1]
        top = torch.topk(logits, 2)
        out.append(int(top.indices[0]))
        margins.append(float(top.values[0] - top.values[1]))
        x.append(out[-1])
    return out, margins


def compare_greedy(model: Llama, sp, prompts: list[str], exe: str, gguf: Path, n: int):
    """Greedy n tokens of PyTorch and of `liveformer generate` per prompt; prints
    each pair and yields (same, margins) so callers can judge near-ties."""
    for p in prompts:
        ids, margins = greedy(model, sp.encode(p), n)
        # liveformer's CLI prints <|im_end|> as text under --no-eos; so does sp.decode
        want = sp.decode(ids)
        got = run_liveformer(exe, ["generate", "-m", str(gguf), "-p", p, "-n", str(n), "--temp", "0",
                                   "--repeat-penalty", "1", "--no-eos"])
        # stdout ends with a newline, added when the text has none of its own
        if got.endswith("\n") and not want.endswith("\n"):
            got = got[:-1]
        if got == want:
            print(f"  same: {want!r}")
        else:
            print(f"  DIFF: torch {want!r}\n        liveformer {got!r}\n        torch top-2 margins {[round(m, 3) for m in margins]}")
        yield got == want, margins


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, required=True)
    ap.add_argument("--tokenizer", type=Path, required=True)
    ap.add_argument("--gguf", type=Path, required=True)
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--liveformer", default=str(Path(__file__).resolve().parents[2] / "build" / "liveformer"))
    ap.add_argument("--prompts", type=int, default=6)
    ap.add_argument("-n", type=int, default=20)
    args = ap.parse_args()
    torch.set_num_threads(2)

    ck = torch.load(args.model, map_location="cpu", weights_only=False)
    cfg = ck["config"]
    sd = {k: v.float().numpy() for k, v in ck["model"].items()}
    template = check_reader(args.gguf, sd, cfg)
    check_template(template)

    sp = spm.SentencePieceProcessor(model_file=str(args.tokenizer))
    ev = lambda name: [json.loads(line) for line in (args.corpus / "eval" / f"{name}.jsonl").open(encoding="utf-8")]  # noqa: E731
    scripts, qas, comments = ev("script"), ev("qa"), ev("classify")
    prompts = []
    for i in range(args.prompts):
        kind = i % 3
        if kind == 0:
            r = scripts[i]
            prompts.append(chatml(script_messages(r["product"], r["request"]), True))
        elif kind == 1:
            r = qas[i]
            prompts.append(chatml(qa_messages(r["product"], r["question"]), True))
        else:
            prompts.append(chatml(classify_messages(comments[i]["comment"]), True) + "意图：")
    texts = prompts + [c["comment"] for c in comments[:20]] + [
        "hello world  两个空格", " 开头空格", "🤖😀👍🏻 emoji", "換行\n\n兩行", "价格：59.9元，库存：1234件", f"{IM_START}user\nhi{IM_END}",
    ]
    ok = check_tokenizer(args.liveformer, args.gguf, sp, texts)

    model = Llama(Config(**cfg))
    model.load_state_dict(ck["model"])
    model.eval()
    same = 0
    f32 = "f32" in args.gguf.name
    for identical, margins in compare_greedy(model, sp, prompts, args.liveformer, args.gguf, args.n):
        same += identical
        # f32 must agree unless some step was a near-tie (rounding may flip it)
        if not identical and f32 and min(margins) > 0.01:
            ok = False
    print(f"[{'ok' if same == len(prompts) else 'CHECK'}] greedy {args.n} tokens: {same}/{len(prompts)} prompts identical")
    if not ok:
        sys.exit("check_export: FAILED")


if __name__ == "__main__":
    main()
