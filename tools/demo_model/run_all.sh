#!/usr/bin/env bash
# Builds the demo model from nothing: corpus -> tokenizer -> training
# (resumable) -> GGUF export (f32 and q8_0) -> export check.
#
#   tools/demo_model/run_all.sh                # the shipped model: stage 1 (~2 h on 2 idle cores), the
#                                              # copy-forcing stage 2 (~1 h idle; 1.8 h as run here), then
#                                              # stage 3, comments by topic word (~25 min)
#   tools/demo_model/run_all.sh --stage1       # stage 1 only (the model shipped before stage 2 existed)
#   tools/demo_model/run_all.sh --smoke [--stage1]   # a tiny model in minutes (pipeline check)
#   tools/demo_model/run_all.sh --stage4       # fine-tunes the shipped models/liveformer-demo-zh.gguf for the
#                                              # grounded slot format (run_stage4.sh; README.md, "Stage 4")
#
# Rerun the same command after an interruption: finished stages are kept
# and training resumes from its last checkpoint.
#
# Environment: DEMO_MODEL_WORK (work directory, default ../demo_model_work
# beside the repository), PYTHON (default python3, with requirements.txt
# installed), DEMO_MODEL_THREADS (default 2), LIVEFORMER (the CLI used by the
# final check, default build/liveformer; the check is skipped without it).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=${DEMO_MODEL_WORK:-$repo/../demo_model_work}
py=${PYTHON:-python3}
threads=${DEMO_MODEL_THREADS:-2}
liveformer=${LIVEFORMER:-$repo/build/liveformer}
preset=full
stage2=1
for arg in "$@"; do
  case $arg in
    --smoke) preset=smoke ;;
    --stage1) stage2=0 ;;
    --stage2) stage2=1 ;;  # the default; accepted for old command lines
    --stage4) exec "$here/run_stage4.sh" ;;  # starts from the shipped GGUF, not from stages 1-3
    *) echo "run_all: unknown option $arg (--smoke, --stage1, --stage4)" >&2; exit 2 ;;
  esac
done

mkdir -p "$work"
work=$(cd "$work" && pwd)
cd "$here"
command -v spm_train >/dev/null || { echo "run_all: spm_train not found (apt-get install sentencepiece)" >&2; exit 1; }

if [[ ! -f $work/corpus/.done ]]; then
  echo "== corpus -> $work/corpus"
  "$py" corpus.py "$work/corpus"
  touch "$work/corpus/.done"
fi
if [[ ! -f $work/tokenizer/.done ]]; then
  echo "== tokenizer -> $work/tokenizer"
  "$py" train_tokenizer.py "$work/corpus" "$work/tokenizer"
  touch "$work/tokenizer/.done"
fi

run=$work/run-$preset
# Stage 1: one cosine cycle of 1,800 steps, then a warm restart to 4,800
# (train.py resumes and follows the new, longer cosine). Each stage resumes
# where an interrupted run stopped; a finished stage returns at once.
stages=("")  # the preset's own step count
[[ $preset == full ]] && stages=(1800 4800)
for steps in "${stages[@]}"; do
  echo "== training stage 1 ($preset${steps:+, to step $steps}) -> $run"
  "$py" train.py --corpus "$work/corpus" --tokenizer "$work/tokenizer/tokenizer.model" --out "$run" \
    --preset "$preset" --threads "$threads" ${steps:+--steps "$steps"}
done

# Stage 2: the copy-forcing corpus (fresh random names, fragment-composed
# comments, the auxiliary copy task; same tokenizer), a warm start from
# stage 1's weights with a new optimizer and one cosine of 2,400 steps.
# Stage 1 alone never copies a brand it has not seen (README.md, "Stage 2").
# A later stage: from the previous stage's weights ($run/model.pt), a new
# optimizer and one cosine; sets run to the new stage's directory.
#   continue_training STAGE CORPUS FULL_STEPS LR WARMUP
base=$run
continue_training() {
  local stage=$1 corpus=$2 steps=$3 lr=$4 warmup=$5
  [[ $preset == full ]] || steps=20
  echo "== training stage $stage ($preset, $steps steps) -> $base-stage$stage"
  "$py" train.py --corpus "$corpus" --tokenizer "$work/tokenizer/tokenizer.model" --out "$base-stage$stage" \
    --preset "$preset" --threads "$threads" --init "$run/model.pt" --lr "$lr" --warmup "$warmup" --steps "$steps"
  run=$base-stage$stage
}

eval_corpus=$work/corpus
if (( stage2 )); then
  # A corpus-2 from before the copy task (no train/copy.jsonl) is rebuilt.
  if [[ ! -f $work/corpus-2/.done || ! -f $work/corpus-2/train/copy.jsonl ]]; then
    echo "== corpus stage 2 -> $work/corpus-2"
    "$py" corpus.py "$work/corpus-2" --stage 2 --vocab "$work/tokenizer/tokenizer.vocab" \
      --stage1-catalog "$work/corpus/catalog_train.jsonl" --products 4000 --comments 60000 --copy-examples 80000
    touch "$work/corpus-2/.done"
  fi
  continue_training 2 "$work/corpus-2" 2400 1e-3 50

  # Stage 3: comments whose topic word and frame are drawn apart
  # (danmaku_slots.py) and a replay of stage 2's examples; evaluated on
  # fresh unseen phrasings (danmaku_unseen.py).
  if [[ ! -f $work/corpus-3/.done ]]; then
    echo "== corpus stage 3 -> $work/corpus-3"
    "$py" corpus_stage3.py "$work/corpus-2" "$work/corpus-3"
    touch "$work/corpus-3/.done"
  fi
  continue_training 3 "$work/corpus-3" 1500 5e-4 30
  eval_corpus=$work/corpus-3
fi

name=demo-zh-live-commerce
[[ $preset == full ]] || name=$name-$preset
if (( ! stage2 )); then name=$name-stage1; fi
mkdir -p "$work/out"
for type in f32 q8_0; do
  "$py" export_gguf.py --model "$run/model.pt" --tokenizer "$work/tokenizer/tokenizer.model" \
    --out "$work/out/$name-$type.gguf" --type "$type"
done

if [[ -x $liveformer ]]; then
  for type in f32 q8_0; do
    echo "== check $name-$type.gguf"
    "$py" check_export.py --model "$run/model.pt" --tokenizer "$work/tokenizer/tokenizer.model" \
      --gguf "$work/out/$name-$type.gguf" --corpus "$eval_corpus" --liveformer "$liveformer"
  done
else
  echo "run_all: $liveformer not built; skipped the liveformer check"
fi
apps=$(dirname "$liveformer")/examples
if [[ -x $apps/script-gen ]]; then
  echo "== eval $name-q8_0.gguf with liveformer's apps (held-out products and comments)"
  "$py" eval.py --model "$work/out/$name-q8_0.gguf" --apps "$apps" --corpus "$eval_corpus" \
    --json "$work/out/$name-q8_0-eval.json"
else
  echo "run_all: $apps/script-gen not built; skipped the evaluation"
fi
echo "== done: $work/out/$name-f32.gguf, $work/out/$name-q8_0.gguf"
