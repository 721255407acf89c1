#!/usr/bin/env bash
# The README's first command: sets up, builds, and runs the three
# live-commerce apps on the embedded demo model (models/liveformer-demo-zh.gguf,
# a toy trained by this project; see models/README.md) for a sample product
# and comment stream in examples/data/. No network, no ../shared.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
# The first build takes minutes: say so, and show its progress (every tenth
# of the steps) instead of going quiet; on failure, the compiler's output.
if [[ ! -x build/examples/script-gen ]]; then
  echo "demo: building the library and the three apps (the first time takes about 5 minutes on 2 cores)"
fi
build_log=build/demo-build.log
mkdir -p build
set +e
cmake --build build --target script_gen live_qa comment_analysis 2>&1 | tee "$build_log" |
  awk -F'[][/]' '/^\[[0-9]+\/[0-9]+\]/ { step = $2; total = $3
    if (total >= 20 && (step * 10) % total < 10) printf "demo: build step %d of %d\n", step, total; fflush() }'
status=${PIPESTATUS[0]}
set -e
if ((status != 0)); then
  tail -n 40 "$build_log" >&2
  echo "demo: the build failed (whole log: $build_log)" >&2
  exit 1
fi

apps=build/examples
data=examples/data
out=build/demo
mkdir -p "$out"
start=$(date +%s)

echo "== 1. script-gen: a host script for $data/product.json"
"$apps/script-gen" --temp 0 "$data/product.json"
echo
echo "== 2. live-qa: viewers' questions ($data/questions.txt), answered from the product"
"$apps/live-qa" --questions "$data/questions.txt" "$data/product.json" |
  python3 -c 'import json, sys
for line in sys.stdin:
    r = json.loads(line)
    print("  Q: %s\n  A: %s   (%.0f ms)" % (r["question"], r["answer"], r["latency_ms"]))'
echo
echo "== 3. comment-analysis: $data/comments.jsonl"
"$apps/comment-analysis" --out "$out" "$data/comments.jsonl"
echo
echo "report: $out/report.html (and report.json); demo ran in $(($(date +%s) - start)) s"
