"""Prints a table of prompt-processing and generation speed for liveformer
and, when given, llama.cpp's llama-bench on the same GGUF files, measured in
one run so the ratios compare like with like on a noisy shared machine.

    python3 tools/bench/compare.py MODEL.gguf [MODEL.gguf ...] \\
        [--liveformer build/liveformer] [--llama-bench PATH] \\
        [-t 1,2] [-p 128] [-n 32] [--depth 512] [-r 3] [--kv-type f16] [--markdown]

Each cell is tokens/s (mean over -r repetitions). The "vs llama.cpp" column
is liveformer / llama.cpp for the same file, test and thread count; the
runs alternate between the two tools per model so both see the same
machine load. Standard library only.
"""
import argparse
import json
import pathlib
import subprocess
import sys


def run_jsonl(cmd: list[str]) -> list[dict]:
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip().startswith("{")]


def liveformer_rows(exe, model, threads, args) -> dict:
    cmd = [exe, "bench", "-m", model, "-t", str(threads), "-p", str(args.p), "-n", str(args.n), "-r", str(args.r), "--json"]
    for d in args.depth:
        cmd += ["--depth", str(d)]
    if args.kv_type:
        cmd += ["--kv-type", args.kv_type]
    return {r["test"]: r["tokens_per_s"] for r in run_jsonl(cmd)}


def llama_rows(exe, model, threads, args) -> dict:
    cmd = [exe, "-m", model, "-t", str(threads), "-p", str(args.p), "-n", str(args.n), "-r", str(args.r), "-o", "jsonl"]
    if args.kv_type:
        cmd += ["-ctk", args.kv_type, "-ctv", args.kv_type]
        if args.kv_type == "q8_0":  # llama.cpp quantizes V only with flash attention
            cmd += ["-fa", "1"]
    rows = {}
    for depth in [0] + args.depth:
        for r in run_jsonl(cmd + ["-d", str(depth)]):
            if r["n_gen"] == 0 and depth == 0:
                rows[f"pp{r['n_prompt']}"] = r["avg_ts"]
            elif r["n_prompt"] == 0:
                rows[f"tg{r['n_gen']}" + (f"@d{depth}" if depth else "")] = r["avg_ts"]
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", nargs="+")
    ap.add_argument("--liveformer", default="build/liveformer")
    ap.add_argument("--llama-bench", help="llama.cpp's llama-bench executable (optional)")
    ap.add_argument("-t", default="1", help="comma-separated thread counts")
    ap.add_argument("-p", type=int, default=128)
    ap.add_argument("-n", type=int, default=32)
    ap.add_argument("-r", type=int, default=3)
    ap.add_argument("--depth", type=int, action="append", default=[])
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--kv-type", choices=["f32", "f16", "bf16", "q8_0"],
                    help="KV cache type for both tools (default: each tool's own, liveformer f32, llama.cpp f16)")
    args = ap.parse_args()

    header = ["model", "threads", "test", "liveformer t/s"]
    if args.llama_bench:
        header += ["llama.cpp t/s", "vs llama.cpp"]
    table = []
    for model in args.models:
        for t in [int(x) for x in args.t.split(",")]:
            ours = liveformer_rows(args.liveformer, model, t, args)
            theirs = llama_rows(args.llama_bench, model, t, args) if args.llama_bench else {}
            for test, rate in ours.items():
                row = [pathlib.Path(model).name, str(t), test, f"{rate:.1f}"]
                if args.llama_bench:
                    other = theirs.get(test)
                    row += [f"{other:.1f}" if other else "-", f"{rate / other:.2f}x" if other else "-"]
                table.append(row)
    widths = [max(len(r[i]) for r in [header] + table) for i in range(len(header))]
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        for r in table:
            print("| " + " | ".join(r) + " |")
    else:
        for r in [header] + table:
            print("  ".join(c.ljust(w) for c, w in zip(r, widths)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
