#!/usr/bin/env bash
# Stage 4: fine-tunes the shipped demo model (models/liveformer-demo-zh.gguf)
# for the grounded "slot" prompt format (/work/notes/slot_format.md,
# prompts.render_product_slots). See README.md, "Stage 4".
#
#   tools/demo_model/run_stage4.sh      (run_all.sh --stage4 calls it)
#
# gguf init (tokenizer.model + model.pt from the GGUF) -> corpus_stage4.py ->
# train.py --init (resumable; --deadline adapts the step count) -> q8_0 and
# f32 GGUF in $DEMO_MODEL_WORK/out/ (models/ is never written).
#
# Environment: as run_all.sh (DEMO_MODEL_WORK, PYTHON, DEMO_MODEL_THREADS,
# LIVEFORMER), plus STAGE4_STEPS (default 6000, the most steps),
# STAGE4_DEADLINE (UTC, e.g. 2026-12-07T14:36: end training by then; empty =
# run all the steps), STAGE4_GGUF (the model to start from).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=${DEMO_MODEL_WORK:-$repo/../demo_model_work}
py=${PYTHON:-python3}
threads=${DEMO_MODEL_THREADS:-2}
liveformer=${LIVEFORMER:-$repo/build/liveformer}
steps=${STAGE4_STEPS:-6000}
deadline=${STAGE4_DEADLINE:-}
gguf=${STAGE4_GGUF:-$repo/models/liveformer-demo-zh.gguf}

mkdir -p "$work"
work=$(cd "$work" && pwd)
cd "$here"

if [[ ! -f $work/init/.done ]]; then
  echo "== tokenizer and weights from $gguf -> $work/init"
  "$py" gguf_init.py "$gguf" "$work/init"
  touch "$work/init/.done"
fi
if [[ ! -f $work/corpus-4/.done ]]; then
  echo "== corpus stage 4 -> $work/corpus-4"
  "$py" corpus_stage4.py "$work/corpus-4" --vocab "$work/init/tokenizer.vocab"
  touch "$work/corpus-4/.done"
fi
if [[ -x $liveformer && ! -f $work/init/.checked ]]; then
  echo "== check: tokenizer ids and greedy tokens vs liveformer"
  "$py" check_gguf_init.py --init "$work/init" --gguf "$gguf" --corpus "$work/corpus-4" --liveformer "$liveformer"
  touch "$work/init/.checked"
fi

run=$work/run-stage4
echo "== training stage 4 (at most $steps steps${deadline:+, ends by $deadline UTC}) -> $run"
"$py" train.py --corpus "$work/corpus-4" --tokenizer "$work/init/tokenizer.model" --out "$run" \
  --init "$work/init/model.pt" --lr 5e-4 --warmup 50 --steps "$steps" --threads "$threads" ${deadline:+--deadline "$deadline"}

mkdir -p "$work/out"
for type in q8_0 f32; do
  "$py" export_gguf.py --model "$run/model.pt" --tokenizer "$work/init/tokenizer.model" \
    --out "$work/out/demo-zh-live-commerce-stage4-$type.gguf" --type "$type"
done
echo "== done: $work/out/demo-zh-live-commerce-stage4-{q8_0,f32}.gguf (models/ is unchanged)"
