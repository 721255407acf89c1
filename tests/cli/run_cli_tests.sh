#!/usr/bin/env bash
# Checks the `liveformer` command-line tool against independent references:
# the published stories260K greedy text, llama.cpp's tokenizer test vectors,
# the Hugging Face prompt ids of the tiny reference models, and the models'
# own config files. Prints one PASS/FAIL/SKIP line per check and exits
# non-zero if any check failed.
#
# usage: run_cli_tests.sh BIN SHARED_DIR DATA_DIR
#   BIN         the liveformer executable
#   SHARED_DIR  the shared third-party data (../shared); checks that need it
#               are skipped when it is missing
#   DATA_DIR    the repository's tests/data
#
# LIVEFORMER_TEST_PART chooses the checks, so that ctest's summary says
# which ran (tests/CMakeLists.txt registers the suite twice):
#   local   those that need only the repository (ctest `cli`)
#   shared  those on SHARED_DIR's data, with the quick local ones again
#           (ctest `cli_shared`); exits 77, which ctest reports as skipped,
#           when SHARED_DIR is missing
#   all     everything (the default, for running the script by hand)
set -u
PART=${LIVEFORMER_TEST_PART:-all}
case $PART in
  local | shared | all) ;;
  *) echo "LIVEFORMER_TEST_PART must be local, shared or all, not '$PART'" >&2; exit 2 ;;
esac

if [ $# -ne 3 ]; then
  echo "usage: $0 BIN SHARED_DIR DATA_DIR" >&2
  exit 2
fi
BIN=$1
SHARED=$2
DATA=$3
if [ ! -x "$BIN" ]; then
  echo "FAIL: $BIN is not an executable" >&2
  exit 1
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/liveformer_cli_tests.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
OUT=$TMP/stdout
ERR=$TMP/stderr

passed=0
failed=0
skipped=0

pass() { echo "PASS: $1"; passed=$((passed + 1)); }
skip() { echo "SKIP: $1"; skipped=$((skipped + 1)); }
# A check on ../shared's data that did not run: said only when this run was
# meant to hold it (in part `local` the `cli_shared` test holds it).
skip_shared() { [ "$PART" = all ] && skip "$1"; }
fail() {
  echo "FAIL: $1"
  [ $# -ge 2 ] && printf '      %s\n' "$2"
  failed=$((failed + 1))
}

# run ARGS...: runs the tool with no stdin; sets $rc, output in $OUT / $ERR.
run() {
  "$BIN" "$@" </dev/null >"$OUT" 2>"$ERR"
  rc=$?
}
# run_with_input TEXT ARGS...: as run, with TEXT (byte-exact) on stdin.
run_with_input() {
  local input=$1
  shift
  printf '%s' "$input" | "$BIN" "$@" >"$OUT" 2>"$ERR"
  rc=$?
}

# First line of stderr, for failure messages.
err_head() { head -n 1 "$ERR"; }

# expect_ok NAME: the last run exited 0.
expect_ok() {
  if [ "$rc" -eq 0 ]; then
    return 0
  fi
  fail "$1" "exit status $rc; stderr: $(err_head)"
  return 1
}

# expect_stdout NAME EXPECTED: the last run succeeded and stdout is exactly
# EXPECTED followed by one newline.
expect_stdout() {
  expect_ok "$1" || return
  if printf '%s\n' "$2" | cmp -s - "$OUT"; then
    pass "$1"
  else
    fail "$1" "expected '$2', got '$(head -c 300 "$OUT")'"
  fi
}

# expect_error NAME PATTERN...: the last run exited non-zero, printed nothing
# on stdout and exactly one stderr line that starts with "liveformer",
# contains every PATTERN (fixed strings) and speaks to a CLI user: no C++
# names from inside the library (Class::function, Generator, KvCache, lf_*).
expect_error() {
  local name=$1
  shift
  local lines
  lines=$(wc -l <"$ERR")
  if [ "$rc" -eq 0 ]; then
    fail "$name" "exit status 0, expected an error"
  elif [ -s "$OUT" ]; then
    fail "$name" "stdout is not empty: $(head -c 200 "$OUT")"
  elif [ "$lines" -ne 1 ] || [ "$(tail -c 1 "$ERR" | od -An -c | tr -d ' ')" != '\n' ]; then
    fail "$name" "expected exactly one stderr line, got $lines: $(head -c 300 "$ERR")"
  elif [[ "$(cat "$ERR")" != liveformer* ]]; then
    fail "$name" "stderr does not start with 'liveformer': $(err_head)"
  elif grep -qE '[A-Za-z]::[A-Za-z]|Generator|KvCache|Sampler|Tensor|\blf_[a-z]' "$ERR"; then
    fail "$name" "stderr names the library's C++ code: $(err_head)"
  else
    local p
    for p in "$@"; do
      if ! grep -qF -- "$p" "$ERR"; then
        fail "$name" "stderr lacks '$p': $(err_head)"
        return
      fi
    done
    pass "$name (exit $rc: $(err_head))"
  fi
}

# stdout_has NAME STRING...: every STRING is a line of stdout (fixed match).
stdout_has_lines() {
  local name=$1
  shift
  local s
  for s in "$@"; do
    if ! grep -qxF -- "$s" "$OUT"; then
      fail "$name" "no stdout line '$s'"
      return
    fi
  done
  pass "$name"
}

# json_number FILE KEY: the first integer or float value of "KEY" in FILE.
json_number() {
  grep -o "\"$2\": *[-0-9.eE+]*" "$1" | head -n 1 | sed 's/.*: *//'
}

# Cases of a llama.cpp .inp file: each case is followed by a line
# "__ggml_vocab_test__"; a case may contain newlines. Fills the array CASES.
read_vocab_cases() {
  local content sep=$'\n__ggml_vocab_test__\n'
  CASES=()
  IFS= read -r -d '' content <"$1"
  while [[ "$content" == *"$sep"* ]]; do
    CASES+=("${content%%"$sep"*}")
    content=${content#*"$sep"}
  done
}

have_shared=0
if [ "$PART" != local ] && [ -d "$SHARED" ]; then
  have_shared=1
elif [ "$PART" = shared ]; then
  echo "SKIP: $SHARED not found: the checks on its data did not run"
  exit 77
elif [ "$PART" = all ]; then
  echo "NOTE: $SHARED not found; checks that need the shared data are skipped"
fi
STORIES=$SHARED/models/stories260K/stories260K.gguf
VOCABS=$SHARED/tokenizers/llama.cpp-vocab

# ---- usage ------------------------------------------------------------------

run --help
if [ "$rc" -eq 0 ] && grep -q '^usage: liveformer' "$OUT" && [ ! -s "$ERR" ] &&
   grep -q 'generate' "$OUT" && grep -q 'tokenize' "$OUT" && grep -q 'info' "$OUT"; then
  pass "--help prints the usage (all three commands) on stdout and exits 0"
else
  fail "--help" "exit $rc; stdout: $(head -n 1 "$OUT"); stderr: $(err_head)"
fi

run -h
if [ "$rc" -eq 0 ] && grep -q '^usage: liveformer' "$OUT"; then
  pass "-h prints the usage and exits 0"
else
  fail "-h" "exit $rc"
fi

run
if [ "$rc" -ne 0 ] && grep -q '^usage: liveformer' "$ERR" && [ ! -s "$OUT" ]; then
  pass "no arguments: usage on stderr, exit $rc"
else
  fail "no arguments" "exit $rc; stdout: $(head -c 100 "$OUT")"
fi

run --version
if [ "$rc" -eq 0 ] && grep -qE '^liveformer [0-9]+\.[0-9]+' "$OUT"; then
  pass "--version prints '$(head -n 1 "$OUT")'"
else
  fail "--version" "exit $rc; stdout: $(head -c 100 "$OUT")"
fi

run frobnicate
expect_error "unknown command: one line naming it and where the commands are (not the usage)" \
  "liveformer: unknown command 'frobnicate'" "see 'liveformer --help'"
run genrate -m x
expect_error "a mistyped command: one line suggesting the command" "unknown command 'genrate'" "did you mean 'generate'?"

run generate --help
if [ "$rc" -eq 0 ] && grep -q '^  generate -m MODEL' "$OUT" && ! grep -q '^  bench' "$OUT" && [ ! -s "$ERR" ]; then
  pass "generate --help prints generate's usage alone"
else
  fail "generate --help prints generate's usage alone" "exit $rc; $(head -c 300 "$OUT")"
fi
run chat -h
if [ "$rc" -eq 0 ] && grep -q '^  chat -m MODEL' "$OUT" && ! grep -q '^  generate' "$OUT"; then
  pass "chat -h prints chat's usage alone"
else
  fail "chat -h prints chat's usage alone" "exit $rc; $(head -c 300 "$OUT")"
fi

# ---- info ---------------------------------------------------------------------

QWEN2=$DATA/models/qwen2
CFG=$QWEN2/config.json
run info -m "$QWEN2"
if expect_ok "info -m $QWEN2"; then
  # Expected values come from the model's config.json, not from the tool.
  stdout_has_lines "info on the qwen2 HF directory matches its config.json" \
    "architecture:  qwen2" \
    "layers:        $(json_number "$CFG" num_hidden_layers)" \
    "width:         $(json_number "$CFG" hidden_size)" \
    "feed-forward:  $(json_number "$CFG" intermediate_size)" \
    "vocab:         $(json_number "$CFG" vocab_size)" \
    "context:       $(json_number "$CFG" max_position_embeddings)" \
    "output:        tied to token embedding"
  heads=$(json_number "$CFG" num_attention_heads)
  kv=$(json_number "$CFG" num_key_value_heads)
  hd=$(($(json_number "$CFG" hidden_size) / heads))
  stdout_has_lines "info on qwen2: heads, kv heads, head_dim" "heads:         $heads (kv $kv, head_dim $hd)"
  eos=$(json_number "$QWEN2/generation_config.json" eos_token_id)
  if grep -q "^stop at: .*$eos '<|im_end|>'" "$OUT" && [ ! -s "$ERR" ]; then
    pass "info on qwen2: stops at eos $eos '<|im_end|>' (generation_config.json), nothing on stderr"
  else
    fail "info on qwen2: stop tokens" "$(grep '^stop at' "$OUT")"
  fi
fi

if [ "$have_shared" -eq 1 ]; then
  run info -m "$STORIES"
  if expect_ok "info -m stories260K.gguf"; then
    # ../shared/README.md: 5 layers, dim 64, 8 heads / 4 KV heads, SwiGLU
    # hidden 172, vocab 512 SentencePiece, f32.
    stdout_has_lines "info on stories260K matches its published description" \
      "architecture:  llama" \
      "layers:        5" \
      "width:         64" \
      "heads:         8 (kv 4, head_dim 8)" \
      "feed-forward:  172" \
      "vocab:         512" \
      "weights:       f32" \
      "tokenizer:     sentencepiece, 512 tokens"
  fi
else
  skip_shared "info on stories260K (no shared data)"
fi

# ---- generate -------------------------------------------------------------------

if [ "$have_shared" -eq 1 ]; then
  REF=$SHARED/models/stories260K/greedy-200-from-bos.txt
  run generate -m "$STORIES" -n 200 --temp 0
  if expect_ok "generate -n 200 --temp 0 on stories260K"; then
    # The reference has no final newline; stdout ends with one.
    if { cat "$REF"; echo; } | cmp -s - "$OUT"; then
      pass "greedy stdout equals greedy-200-from-bos.txt byte for byte, plus the final newline ($(wc -c <"$OUT") bytes)"
    else
      fail "greedy stdout differs from greedy-200-from-bos.txt" "$(cmp "$OUT" "$REF" 2>&1)"
    fi
    if grep -qE 'generated 200 tokens in [0-9.]+ s \([0-9.]+ tokens/s\)' "$ERR" &&
       grep -qE 'prompt: [0-9]+ tokens in [0-9.]+ s' "$ERR"; then
      pass "generate reports timings on stderr: $(grep -o 'generated.*' "$ERR")"
    else
      fail "generate timings on stderr" "$(cat "$ERR")"
    fi
  fi

  # The reference text starts with "Once upon a time" (four tokens, as greedy
  # generation produced them), so prompting with it must continue with the
  # rest of the reference: 4 + 196 = 200 tokens after BOS.
  PROMPT="Once upon a time"
  reference=$(cat "$REF"; printf x)
  reference=${reference%x}
  continuation=${reference#"$PROMPT"}
  if [ "$continuation" = "$reference" ]; then
    fail "reference text does not start with '$PROMPT'"
  else
    run generate -m "$STORIES" -p "$PROMPT" -n 196 --temp 0
    if expect_ok "generate -p on stories260K"; then
      if printf '%s\n' "$continuation" | cmp -s - "$OUT"; then
        pass "generate -p prints only the continuation, which is the rest of the reference text"
      elif [[ "$(cat "$OUT")" == "$PROMPT"* ]]; then
        fail "generate -p echoes the prompt on stdout" "$(head -c 100 "$OUT")"
      else
        fail "generate -p continuation differs from the reference" "$(head -c 100 "$OUT")"
      fi
    fi
  fi
else
  skip_shared "generate on stories260K (no shared data)"
fi

run generate -m "$DATA/models/gpt2" -p "Hello" -n 7 --temp 0 --no-eos
if expect_ok "generate on the gpt2 HF directory"; then
  if grep -q 'generated 7 tokens' "$ERR"; then
    pass "generate on the gpt2 HF directory: 7 tokens, timings on stderr"
  else
    fail "generate on the gpt2 HF directory" "$(tail -n 1 "$ERR")"
  fi
fi

# ---- tokenize ---------------------------------------------------------------------

if [ "$have_shared" -eq 1 ]; then
  # llama.cpp's vectors: .out line i holds the ids of case i (no BOS).
  for vocab in llama-spm qwen2; do
    read_vocab_cases "$VOCABS/ggml-vocab-$vocab.gguf.inp"
    mapfile -t EXPECTED <"$VOCABS/ggml-vocab-$vocab.gguf.out"
    if [ "$vocab" = llama-spm ]; then
      model=$VOCABS/ggml-vocab-llama-spm.gguf
      picks="0 1 2 3 4 10"
    else
      model=$SHARED/tokenizers/qwen2/tokenizer.json  # the .out file's reference
      picks="0 10"  # loading the 151k-token tokenizer.json takes about a second
    fi
    if [ "${#CASES[@]}" -ne "${#EXPECTED[@]}" ] || [ "${#CASES[@]}" -lt 5 ]; then
      fail "$vocab vectors: ${#CASES[@]} cases but ${#EXPECTED[@]} .out lines"
      continue
    fi
    for i in $picks; do
      run_with_input "${CASES[$i]}" tokenize -m "$model" --stdin
      expect_stdout "tokenize $vocab vector case $i ($(printf '%q' "${CASES[$i]}"))" "${EXPECTED[$i]# }"
    done
  done

  # --add-special: the Llama 2 vocabulary adds <s> (id 1) in front; without
  # the flag nothing is added.
  SPM=$VOCABS/ggml-vocab-llama-spm.gguf
  run tokenize -m "$SPM" "Hello world"
  plain=$(cat "$OUT")
  run tokenize -m "$SPM" --add-special "Hello world"
  expect_stdout "tokenize --add-special adds BOS 1 for llama-spm" "1 $plain"
  if [ -z "$plain" ] || [[ "$plain" == 1\ * ]]; then
    fail "tokenize without --add-special must not add BOS" "$plain"
  else
    pass "tokenize without --add-special adds no BOS ($plain)"
  fi
else
  skip_shared "tokenize llama.cpp vectors and --add-special (no shared data)"
fi

# The gpt2 HF directory: transformers' ids for the golden prompts
# (tokenizer(text, add_special_tokens=False), special tokens parsed).
PROMPTS=$DATA/models/gpt2/golden/prompts.json
mapfile -t texts < <(sed -n 's/^ *"text": "\(.*\)",$/\1/p' "$PROMPTS")
mapfile -t idlists < <(sed -n 's/^ *"input_ids": \[\(.*\)\],$/\1/p' "$PROMPTS")
if [ "${#texts[@]}" -eq 0 ] || [ "${#texts[@]}" -ne "${#idlists[@]}" ]; then
  fail "read prompts.json" "${#texts[@]} texts, ${#idlists[@]} id lists"
else
  for i in "${!texts[@]}"; do
    text=${texts[$i]}
    # Only the JSON escape \n is expected here; skip anything fancier.
    text=${text//\\n/$'\n'}
    if [[ "$text" == *\\* ]]; then
      skip "prompt $i has JSON escapes this script does not decode"
      continue
    fi
    run_with_input "$text" tokenize -m "$DATA/models/gpt2" --stdin
    expect_stdout "tokenize -m gpt2 HF directory, prompt $i ($(printf '%q' "$text"))" "${idlists[$i]//,/}"
  done
  # The GPT-2 tokenizer adds no BOS even when asked (add_bos_token false).
  run tokenize -m "$DATA/models/gpt2" --add-special "${texts[1]}"
  expect_stdout "tokenize --add-special adds nothing for gpt2 (add_bos_token false)" "${idlists[1]//,/}"
fi

# ---- llama.cpp habits: -n -1, -f, --system, seeds, --ctx, --pieces, chat --------------

DEMO_MODEL=$DATA/../../models/liveformer-demo-zh.gguf  # ships in the repository; has a chat template
SYS="你是主播"
Q="这个多少钱"
# The counts in generate's summary line on stderr, and the printed seed.
prompt_tokens() { sed -n 's/^prompt: \([0-9]*\) tokens in .*/\1/p' "$ERR"; }
generated_tokens() { sed -n 's/.*; generated \([0-9]*\) tokens in .*/\1/p' "$ERR"; }
printed_seed() { sed -n 's/^seed: \([0-9][0-9]*\)$/\1/p' "$ERR"; }
# ends_with_newline: stdout is not empty and its last byte is a newline.
ends_with_newline() { [ -s "$OUT" ] && [ "$(tail -c 1 "$OUT" | od -An -c | tr -d ' ')" = '\n' ]; }

run info -m "$DEMO_MODEL"
TRAINED=$(sed -n 's/^context: *\([0-9]*\)$/\1/p' "$OUT")
if [ -z "$TRAINED" ]; then
  fail "info on the demo model states its trained context" "$(head -c 300 "$OUT")"
  TRAINED=512
fi

# Sampling without --seed: a random seed, printed, that repeats the run.
SAMPLE=(generate -m "$DEMO_MODEL" --system "$SYS" -p "$Q" -n 24 --temp 1.5)
run "${SAMPLE[@]}"
seed1=$(printed_seed)
first_text=$(cat "$OUT")
if [ "$rc" -ne 0 ] || [ -z "$seed1" ]; then
  fail "sampling without --seed prints 'seed: N' on stderr" "exit $rc; $(head -c 300 "$ERR")"
else
  pass "sampling without --seed prints 'seed: $seed1' on stderr"
  run "${SAMPLE[@]}" --seed "$seed1"
  if expect_ok "--seed $seed1" && [ "$(cat "$OUT")" = "$first_text" ] && [ "$(printed_seed)" = "$seed1" ]; then
    pass "--seed $seed1 repeats the run's text ($(printf '%q' "$first_text"))"
  else
    fail "--seed $seed1 repeats the run's text" "first $(printf '%q' "$first_text"), again $(head -c 200 "$OUT")"
  fi
  run "${SAMPLE[@]}"
  seed2=$(printed_seed)
  if [ -n "$seed2" ] && [ "$seed2" != "$seed1" ]; then
    pass "each run without --seed picks its own seed ($seed1, then $seed2)"
  else
    fail "each run without --seed picks its own seed" "$seed1, then '$seed2'"
  fi
fi
# The seed drives the sampler: five seeds do not all give the same text.
texts=$(for s in 1 2 3 4 5; do "$BIN" "${SAMPLE[@]}" --seed "$s" 2>/dev/null </dev/null; echo "@@"; done | sort -u | grep -c -v '^@@$')
if [ "$texts" -ge 2 ]; then
  pass "seeds 1..5 give $texts different texts"
else
  fail "seeds 1..5 give different texts" "$texts distinct"
fi
run generate -m "$DEMO_MODEL" --system "$SYS" -p "$Q" -n 8 --temp 0
if expect_ok "greedy generate" && ! grep -q '^seed:' "$ERR"; then
  pass "greedy decoding (--temp 0) prints no seed"
else
  fail "greedy decoding (--temp 0) prints no seed" "$(grep '^seed' "$ERR")"
fi

# -n -1: until the end of the text, or of the context.
run generate -m "$DEMO_MODEL" --system "$SYS" -p "$Q" -n -1 --temp 0
if expect_ok "generate -n -1" && grep -q 'stop: eos$' "$ERR" && ends_with_newline; then
  pass "generate -n -1 runs to the end of the text (stop: eos; $(generated_tokens) tokens), stdout ends with a newline"
else
  fail "generate -n -1 runs to the end of the text" "$(tail -n 1 "$ERR")"
fi
run generate -m "$DEMO_MODEL" --system "$SYS" -p "$Q" -n -1 --temp 0 --no-eos --ctx 64
if expect_ok "generate -n -1 --no-eos --ctx 64" && grep -q 'stop: context_full$' "$ERR" &&
   [ $(($(prompt_tokens) + $(generated_tokens))) -eq 65 ]; then
  pass "generate -n -1 --no-eos fills the context: $(prompt_tokens) prompt + $(generated_tokens) new tokens (the last one not evaluated) = 64 + 1"
else
  fail "generate -n -1 --no-eos fills the context" "$(tail -n 1 "$ERR")"
fi

# --ctx 0: the trained context, said so; beyond it, a warning.
run generate -m "$DEMO_MODEL" --system "$SYS" -p "$Q" -n -1 --temp 0 --no-eos --ctx 0
if expect_ok "generate --ctx 0" && grep -qxF "context: $TRAINED tokens (--ctx 0: the model's trained context)" "$ERR" &&
   [ $(($(prompt_tokens) + $(generated_tokens))) -eq $((TRAINED + 1)) ]; then
  pass "--ctx 0 says it is the trained context ($TRAINED, as info says) and generation fills exactly that"
else
  fail "--ctx 0 means the trained context and says so" "$(head -n 3 "$ERR")"
fi
run generate -m "$DEMO_MODEL" -p "$Q" -n 1 --temp 0 --ctx $((TRAINED * 2))
if expect_ok "generate --ctx $((TRAINED * 2))" &&
   grep -qF "warning: --ctx $((TRAINED * 2)) is beyond the model's trained context of $TRAINED tokens" "$ERR"; then
  pass "--ctx beyond the trained context warns: $(grep -o 'warning: .*' "$ERR")"
else
  fail "--ctx beyond the trained context warns" "$(head -n 2 "$ERR")"
fi
run generate -m "$DEMO_MODEL" -p "$Q" -n 1 --temp 0 --ctx "$TRAINED"
if expect_ok "generate --ctx $TRAINED" && ! grep -q 'warning' "$ERR"; then
  pass "--ctx equal to the trained context does not warn"
else
  fail "--ctx equal to the trained context does not warn" "$(head -n 2 "$ERR")"
fi
run generate -m "$DATA/models/gpt2" -p hi -n 1 --ctx 5000
expect_error "--ctx past GPT-2's learned positions is refused, naming --ctx" "--ctx 5000 is beyond GPT-2's" "learned positions"

# -f FILE: the prompt from a file (its final newline dropped) or stdin.
run generate -m "$DEMO_MODEL" --system "$SYS" -p "$Q" -n -1 --temp 0 --verbose-prompt
from_option=$(cat "$OUT")
option_prompt=$(sed -n 's/^prompt tokens: //p' "$ERR")
printf '%s\n' "$Q" >"$TMP/prompt.txt"
run generate -m "$DEMO_MODEL" --system "$SYS" -f "$TMP/prompt.txt" -n -1 --temp 0 --verbose-prompt
if expect_ok "generate -f FILE" && [ "$(cat "$OUT")" = "$from_option" ] &&
   [ "$(sed -n 's/^prompt tokens: //p' "$ERR")" = "$option_prompt" ] && [ -n "$option_prompt" ]; then
  pass "-f FILE gives -p's prompt ($option_prompt tokens, final newline dropped) and text"
else
  fail "-f FILE gives -p's prompt and text" "-p: $option_prompt tokens $(printf '%q' "$from_option"); -f: $(grep 'prompt tokens' "$ERR") $(head -c 100 "$OUT")"
fi
run_with_input "$Q" generate -m "$DEMO_MODEL" --system "$SYS" -f - -n -1 --temp 0
if expect_ok "generate -f -" && [ "$(cat "$OUT")" = "$from_option" ]; then
  pass "-f - reads the prompt from stdin"
else
  fail "-f - reads the prompt from stdin" "$(head -c 100 "$OUT")"
fi
run generate -m "$DEMO_MODEL" -p "$Q" -f "$TMP/prompt.txt"
expect_error "-p and -f together" "give the prompt once"
run generate -m "$DEMO_MODEL" -f "$TMP/missing.txt"
expect_error "-f with a missing file names it" "$TMP/missing.txt" "cannot read the prompt file"
# --system needs a chat template; --chat-template names one for a model without.
run generate -m "$DATA/models/gpt2" --system "be brief" -p hi -n 1
expect_error "--system on a model without a chat template" "no chat template" "--chat-template"
run generate -m "$DATA/models/gpt2" --system "be brief" -p hi -n 1 --temp 0 --chat-template chatml --verbose-prompt
if expect_ok "--system with --chat-template chatml" && grep -qF '<|im_start|>system' "$ERR" && grep -qF 'be brief' "$ERR"; then
  pass "--chat-template chatml renders --system and the prompt as ChatML"
else
  fail "--chat-template chatml renders --system and the prompt as ChatML" "$(head -c 300 "$ERR")"
fi

if [ "$have_shared" -eq 1 ]; then
  printf 'Once upon a time\n' >"$TMP/story.txt"
  run generate -m "$STORIES" -f "$TMP/story.txt" -n 196 --temp 0
  if expect_ok "generate -f on stories260K" && printf '%s\n' "$continuation" | cmp -s - "$OUT"; then
    pass "generate -f continues the file's prompt as the reference text does"
  else
    fail "generate -f continues the file's prompt as the reference text does" "$(head -c 100 "$OUT")"
  fi
  # A text that already ends with a newline gets no second one: stop where
  # the reference's second line starts.
  line1=$(head -n 1 "$REF")
  line2=$(sed -n 2p "$REF")
  run generate -m "$STORIES" -n 200 --temp 0 --stop "${line2:0:24}"
  if expect_ok "generate --stop at the start of a line" && printf '%s\n' "$line1" | cmp -s - "$OUT"; then
    pass "a text ending with its own newline gets no second one"
  else
    fail "a text ending with its own newline gets no second one" "$(od -c "$OUT" | tail -n 3)"
  fi
else
  skip_shared "-f and the final newline on stories260K (no shared data)"
fi

# tokenize --pieces: "id -> 'piece'" per token, the ids tokenize prints.
GPT2=$DATA/models/gpt2
run tokenize -m "$GPT2" "Hello world"
plain_ids=$(cat "$OUT")
run tokenize -m "$GPT2" --pieces "Hello world"
if expect_ok "tokenize --pieces"; then
  piece_ids=$(sed -E "s/^ *([0-9]+) -> '.*'$/\1/" "$OUT" | tr '\n' ' ')
  joined=$(sed -E "s/^ *[0-9]+ -> '(.*)'$/\1/" "$OUT" | tr -d '\n')
  if [ "${piece_ids% }" = "$plain_ids" ] && [ "$joined" = "Hello world" ] &&
     [ "$(grep -cE "^ *[0-9]+ -> '.*'$" "$OUT")" -eq "$(wc -l <"$OUT")" ]; then
    pass "tokenize --pieces: one 'id -> piece' line per id ($plain_ids), pieces joined give the text"
  else
    fail "tokenize --pieces" "ids '$piece_ids' vs '$plain_ids'; joined '$joined'"
  fi
fi
run_with_input $'a\nb\xc3\xa9' tokenize -m "$GPT2" --pieces --stdin
if expect_ok "tokenize --pieces with a newline and a split character" && grep -qF -- "-> '\n'" "$OUT" &&
   grep -qF -- "-> '\xc3'" "$OUT" && grep -qF -- "-> '\xa9'" "$OUT" && [ "$(wc -l <"$OUT")" -eq 5 ]; then
  pass "tokenize --pieces escapes a newline and the halves of a split character, one line each"
else
  fail "tokenize --pieces escapes a newline and the halves of a split character" "$(cat "$OUT")"
fi

# chat: driven through pipes with signals (tests/cli/chat_test.py); the
# slowest local check, so part `shared` leaves it to `cli`.
if [ "$PART" = shared ]; then
  :
elif command -v python3 >/dev/null; then
  while IFS= read -r line; do
    case $line in
      PASS:*) pass "${line#PASS: }" ;;
      FAIL:*) fail "${line#FAIL: }" ;;
      *) echo "$line" ;;
    esac
  done < <(python3 "$(dirname "$0")/chat_test.py" "$BIN" "$DEMO_MODEL" "$GPT2" 2>&1)
else
  skip "chat (no python3 to drive it)"
fi

# ---- errors: one line on stderr, nothing on stdout, non-zero exit ----------------------

run generate -n 5
expect_error "generate without -m" "-m" "required"
run info
expect_error "info without -m" "-m" "required"
run tokenize "some text"
expect_error "tokenize without -m" "-m" "required"

run info -m "$QWEN2" --bogus
expect_error "info with an unknown option" "unknown option '--bogus'" "see 'liveformer info --help'"
run generate -m "$QWEN2" --frobnicate 3
expect_error "generate with an unknown option: one line and a hint, not the usage" \
  "unknown option '--frobnicate'" "see 'liveformer generate --help'"
run generate -m "$QWEN2" --tmep 0
expect_error "generate with a mistyped option suggests the option" "unknown option '--tmep'" "did you mean '--temp'?"
run tokenize -m "$QWEN2" --piece hello
expect_error "tokenize with a mistyped option suggests the option" "did you mean '--pieces'?"
run generate -m "$QWEN2" -n lots
expect_error "generate -n with a non-integer" "-n" "lots"

# A prompt longer than the context fails after the model is loaded, so the
# "model: ..." line may precede the error; the error must still be the last
# stderr line and nothing may reach stdout.
run generate -m "$QWEN2" --ctx 2 -p "Hello, live room" -n 3
last=$(tail -n 1 "$ERR")
if [ "$rc" -ne 0 ] && [ ! -s "$OUT" ] && [[ "$last" == liveformer* ]] && [[ "$last" == *"context length 2"* ]] &&
   [[ "$last" == *"--ctx"* ]] && [[ "$last" != *"generate: generate"* ]]; then
  pass "generate with a prompt longer than --ctx (exit $rc: $last)"
else
  fail "generate with a prompt longer than --ctx" "exit $rc; stdout: $(head -c 100 "$OUT"); last stderr line: $last"
fi

# A KV cache over the memory budget names the options that shrink it (the
# warning that --ctx is past the trained context comes first).
run generate -m "$QWEN2" -p hi --ctx 2147483647
last=$(tail -n 1 "$ERR")
if [ "$rc" -ne 0 ] && [[ "$last" == "liveformer generate: error: "* ]] && [[ "$last" == *"smaller --ctx"* ]] &&
   [[ "$last" == *"--kv-type f16"* ]]; then
  pass "a context over the memory budget names --ctx and --kv-type ($last)"
else
  fail "a context over the memory budget names --ctx and --kv-type" "exit $rc; $last"
fi
run_with_input $'a\xffb' tokenize -m "$DATA/models/gpt2" --stdin
expect_error "tokenize on text that is not UTF-8 (no advice to call a C++ function)" "not valid UTF-8 at byte offset 1"
run generate -m "$QWEN2" -p hi --top-p 0
expect_error "generate --top-p 0 names the option, not the library's field" "--top-p must be positive"

MISSING=$TMP/no/such/model.gguf
run info -m "$MISSING"
expect_error "info on a nonexistent model" "$MISSING" "no such file"
run generate -m "$MISSING" -n 1
expect_error "generate on a nonexistent model" "$MISSING" "no such file"
run tokenize -m "$MISSING" hello
expect_error "tokenize with a nonexistent model" "$MISSING"

# A truncated safetensors file in a copy of the qwen2 directory.
TRUNC_DIR=$TMP/qwen2_truncated
mkdir -p "$TRUNC_DIR"
cp "$QWEN2"/*.json "$TRUNC_DIR"/
head -c 20000 "$QWEN2/model.safetensors" >"$TRUNC_DIR/model.safetensors"
run info -m "$TRUNC_DIR"
expect_error "info on a directory with a truncated model.safetensors" "$TRUNC_DIR/model.safetensors"
run generate -m "$TRUNC_DIR" -n 1
expect_error "generate on a directory with a truncated model.safetensors" "$TRUNC_DIR/model.safetensors"

if [ "$have_shared" -eq 1 ]; then
  TRUNC=$TMP/truncated.gguf
  head -c 100000 "$STORIES" >"$TRUNC"
  run info -m "$TRUNC"
  expect_error "info on a truncated GGUF file" "$TRUNC" "past the end of the file"
  run generate -m "$TRUNC" -n 5
  expect_error "generate on a truncated GGUF file" "$TRUNC" "past the end of the file"
  head -c 1000 "$STORIES" >"$TRUNC"
  run tokenize -m "$TRUNC" hello
  expect_error "tokenize with a GGUF file cut inside its metadata" "$TRUNC"
else
  skip_shared "truncated GGUF (no shared data)"
fi

# quantize = convert --type: the written file loads with q8_0 matrices.
QFILE=$TMP/qwen2-q8_0.gguf
run quantize "$QWEN2" "$QFILE" q8_0
if expect_ok "quantize qwen2 to q8_0"; then
  run info -m "$QFILE"
  if expect_ok "info on the quantized file" && grep -q "weights: *q8_0" "$OUT"; then
    pass "the quantized file reports q8_0 weights"
  else
    fail "the quantized file reports q8_0 weights" "$(grep weights "$OUT")"
  fi
fi
run quantize "$QWEN2" "$QFILE" q5_k
expect_error "quantize to an unknown type" "TYPE must be f32, f16, bf16, q8_0 or q4_0" "q5_k"
run quantize "$QWEN2"
expect_error "quantize with missing arguments" "usage: liveformer quantize MODEL OUT.gguf TYPE"
run generate -m "$QWEN2" -n 1 --quantize q3
expect_error "generate --quantize with an unknown type" "--quantize must be" "q3"

# --kv-type q8_0: 8-bit K/V rows need heads a multiple of 32 wide (qwen2's
# are 16; the shipped demo model's are 32). How close its logits stay to an
# f32 cache is checked in tests/model; here the option reaches the cache.
run generate -m "$QWEN2" -n 1 --kv-type q8_0 -p "hi"
expect_error "generate --kv-type q8_0 on a model with 16-wide heads" "q8_0 cache needs a head_dim that is a multiple of 32" "16"
run generate -m "$QWEN2" -n 1 --kv-type q4_0 -p "hi"
expect_error "generate --kv-type q4_0" "--kv-type must be f32, f16, bf16 or q8_0" "q4_0"
DEMO=$DATA/../../models/liveformer-demo-zh.gguf
run bench -m "$DEMO" -p 8 -n 4 -r 1 -t 1 --kv-type q8_0 --json
if expect_ok "bench on the demo model with a q8_0 KV cache"; then
  if [ "$(grep -c '"kv_type": "q8_0"' "$OUT")" -eq 2 ] && ! grep -v '"tokens_per_s": [0-9]' "$OUT" >/dev/null; then
    pass "bench --kv-type q8_0 runs both tests on a q8_0 cache"
  else
    fail "bench --kv-type q8_0 runs both tests on a q8_0 cache" "$(head -c 600 "$OUT")"
  fi
fi

# bench --json: one JSON object per test with the documented keys.
run bench -m "$QWEN2" -p 16 -n 4 -r 1 --depth 8 -t 1 --quantize q8_0 --json
if expect_ok "bench --json"; then
  lines=$(wc -l <"$OUT")
  if [ "$lines" -eq 3 ] && grep -q '"test": "pp16"' "$OUT" && grep -q '"test": "tg4"' "$OUT" &&
     grep -q '"test": "tg4@d8"' "$OUT" && ! grep -v '"tokens_per_s": [0-9]' "$OUT" >/dev/null &&
     grep -c '"threads": 1, "threads_batch": 1, "weight_type": "q8_0"' "$OUT" | grep -qx 3; then
    pass "bench --json prints pp16, tg4 and tg4@d8 with tokens_per_s, threads and weight_type"
  else
    fail "bench --json prints pp16, tg4 and tg4@d8 with tokens_per_s, threads and weight_type" "$(head -c 600 "$OUT")"
  fi
fi
# bench --roofline: the limits measured in the same run, each test as a share of its limit.
run bench -m "$QWEN2" -p 16 -n 4 -r 1 -t 1 --roofline --json
if expect_ok "bench --roofline --json"; then
  if grep '"test": "pp16"' "$OUT" | grep -Eq '"flops_per_token": [0-9.e+]+, "limit": [0-9.e+]+, "limit_percent": [0-9.]+' &&
     grep '"test": "tg4"' "$OUT" | grep -Eq '"bytes_per_token": [0-9.e+]+, "limit": [0-9.e+]+, "limit_percent": [0-9.]+'; then
    pass "bench --roofline reports FLOPs (prefill) and bytes (decode) per token against the measured limits"
  else
    fail "bench --roofline reports FLOPs (prefill) and bytes (decode) per token against the measured limits" "$(head -c 800 "$OUT")"
  fi
fi
run roofline -t 1
if expect_ok "roofline"; then
  if grep -Eq '^threads 1: triad [0-9.]+ GB/s, peak FMA [0-9.]+ GFLOP/s$' "$OUT"; then
    pass "roofline prints triad bandwidth and peak FMA"
  else
    fail "roofline prints triad bandwidth and peak FMA" "$(head -c 400 "$OUT")"
  fi
fi
run bench -m "$QWEN2" -p 0 -n 0 -r 0
expect_error "bench with zero repetitions" "option -r must be in [1, 1000000]"

# Numeric options are range-checked, never narrowed (-n 4294967296 once
# became 0 tokens, 4294967299 three).
for n in 4294967296 4294967299 -2 99999999999999999999; do
  run generate -m "$QWEN2" -p hi -n "$n"
  expect_error "generate -n $n" "option -n must be in [-1, 2147483647]" "'$n'"
done
run generate -m "$QWEN2" -p hi --temp inf
expect_error "generate --temp inf" "--temp needs a finite number"
run generate -m "$QWEN2" -p hi --top-p nan
expect_error "generate --top-p nan" "--top-p needs a finite number"
run generate -m "$QWEN2" -p hi -t 99999
expect_error "generate -t 99999" "option -t must be in [0, 1024]"

# Text from a model file reaches errors escaped: a CR or ESC would move the
# cursor or recolour the terminal, a NUL would cut the message short.
ESC_DIR=$TMP/escapes
mkdir -p "$ESC_DIR"
cp "$QWEN2"/* "$ESC_DIR"/
printf '%s' '{"model_type": "qwen2\r\u001b[31mred\u0000tail", "vocab_size": 1}' >"$ESC_DIR/config.json"
run info -m "$ESC_DIR"
expect_error "an error quoting CR, ESC and NUL from config.json" 'qwen2\x0d\x1b[31mred\x00tail'
if grep -q $'\r\|\x1b' "$ERR"; then
  fail "no raw CR or ESC reaches the terminal" "$(od -c "$ERR" | head -3)"
else
  pass "no raw CR or ESC reaches the terminal"
fi

NOTMODEL=$TMP/notes.txt
echo "just some text" >"$NOTMODEL"
run info -m "$NOTMODEL"
expect_error "info on a file that is not a model" "$NOTMODEL" "unrecognised model format"

# `liveformer serve` runs liveformer-serve from the same directory.
if [ -x "$(dirname "$BIN")/liveformer-serve" ]; then
  run serve --help
  if expect_ok "serve --help runs liveformer-serve" && grep -q "^usage: liveformer serve" "$OUT"; then
    pass "serve --help prints the server's usage"
  else
    fail "serve --help prints the server's usage" "$(head -c 200 "$OUT")"
  fi
  run serve --port 99999
  expect_error "serve with a port out of range" "port"
else
  skip "serve: liveformer-serve is not built (needs libboost-dev)"
fi

echo "cli tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
