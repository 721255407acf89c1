#!/usr/bin/env bash
# Measures live-qa's per-question latency for a product description and one
# ten times longer, with the prefix cache (the default) and without it
# (--no-prefix-cache), and prints a table (the numbers in examples/README.md).
#
# usage: measure_prefix_reuse.sh LIVE_QA MODEL PRODUCT.json [CTX] [QUESTIONS] [MAX_TOKENS]
set -eu
if [ $# -lt 3 ]; then
  echo "usage: $0 LIVE_QA MODEL PRODUCT.json [CTX] [QUESTIONS] [MAX_TOKENS]" >&2
  exit 2
fi
LIVE_QA=$1
MODEL=$2
PRODUCT=$3
CTX=${4:-8192}
N=${5:-20}
MAX_TOKENS=${6:-32}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/live_qa_measure.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# The long product: the same JSON whose selling points are repeated until
# the rendered description is ten times as long (counted in characters by
# script-gen --print-prompt, which renders exactly what live-qa sends).
SCRIPT_GEN=$(dirname "$LIVE_QA")/script-gen
python3 - "$PRODUCT" "$TMP/long.json" "$SCRIPT_GEN" <<'PY'
import json, subprocess, sys
src, dst, script_gen = sys.argv[1:4]
p = json.load(open(src, encoding="utf-8"))
def rendered(prod):
    out = subprocess.run([script_gen, "--print-prompt", "-"], input=json.dumps(prod, ensure_ascii=False).encode(),
                         capture_output=True, check=True).stdout.decode()
    return len(out.split("<|im_end|>")[0])  # the system turn
short = rendered(p)
points = list(p["selling_points"])
extra = ["第%d点：" % (i + 1) + s for i, s in enumerate(points * 200)]
q = dict(p)
k = 0
while rendered(q) < 10 * short:
    k += 1
    q["selling_points"] = points + extra[:k]
json.dump(q, open(dst, "w", encoding="utf-8"), ensure_ascii=False)
print("system turn: %d characters short, %d long" % (short, rendered(q)), file=sys.stderr)
PY

for i in $(seq 1 "$N"); do
  case $((i % 4)) in
    0) echo "这个多少钱？" ;;
    1) echo "有XL吗" ;;
    2) echo "什么时候发货？第${i}次问" ;;
    3) echo "是什么面料" ;;
  esac
done >"$TMP/questions.txt"

printf '%-8s %-16s %14s %14s %12s %14s\n' product mode prefix_tokens median_ms mean_ms ms_per_token
for which in short long; do
  product=$PRODUCT
  [ "$which" = long ] && product=$TMP/long.json
  for mode in cached no-cache; do
    flags=()
    [ "$mode" = no-cache ] && flags=(--no-prefix-cache)
    "$LIVE_QA" --model "$MODEL" --ctx "$CTX" --max-tokens "$MAX_TOKENS" "${flags[@]}" \
      --questions "$TMP/questions.txt" "$product" >"$TMP/out.jsonl" 2>"$TMP/err.txt"
    prefix=$(grep -oE 'product prompt [0-9]+ tokens' "$TMP/err.txt" | grep -oE '[0-9]+')
    python3 - "$TMP/out.jsonl" "$which" "$mode" "$prefix" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
rows = rows[1:]  # the first question warms caches and allocations up
lat = [r["latency_ms"] for r in rows]
per_token = [r["latency_ms"] / max(1, r["tokens"]) for r in rows]
print("%-8s %-16s %14s %14.2f %12.2f %14.3f" % (sys.argv[2], sys.argv[3], sys.argv[4], statistics.median(lat),
                                                 statistics.mean(lat), statistics.median(per_token)))
PY
  done
done
