#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz/ (clang, -fsanitize=fuzzer,
# address,undefined, in build-fuzz/) and runs each for a fixed time.
#
# usage: tools/fuzz.sh [SECONDS] [TARGET...]     fuzz each target SECONDS (default 60)
#        tools/fuzz.sh --regress [TARGET...]     run the committed corpus and crash
#                                               inputs once each (no fuzzing)
#        tools/fuzz.sh --make-seeds              rewrite the GGUF seeds
#        tools/fuzz.sh --list                    list the targets
#
# Targets: gguf_file safetensors config_json bpe_encode spm_encode
# detokenize_stream chat_template product_json comment_jsonl spm_model deep_json (default: all). The committed seeds in
# tests/fuzz/corpus/<target>/ are read, never written; what the fuzzer
# learns goes to build-fuzz/corpus/<target>/ and is reused by later runs.
# A crashing input is saved as tests/fuzz/crashes/<target>-crash-<sha1>
# (or -leak-, -timeout-, -oom-); commit it with a regression test.
# Long local run (the issue asks for >= 10 million executions per target):
#   tools/fuzz.sh 3600 gguf_file      (one hour; execs/s is printed per target)
# Environment: CC/CXX (default clang/clang++), JOBS (build parallelism),
# FUZZ_DIR (the build directory, default build-fuzz),
# EXTRA_CXXFLAGS (appended to the compile flags of the library and targets),
# FUZZ_ARGS (extra libFuzzer flags, e.g. "-jobs=4 -workers=4"), FUZZ_TIMEOUT
# (seconds one input may take before it counts as a hang; default 60).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
all_targets=(gguf_file safetensors config_json bpe_encode spm_encode detokenize_stream chat_template product_json
  comment_jsonl spm_model deep_json serve_request)
build=${FUZZ_DIR:-build-fuzz}
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi

mode=fuzz seconds=60
case ${1:-} in
  --regress) mode=regress; shift ;;
  --make-seeds) mode=seeds; shift ;;
  --list) printf '%s\n' "${all_targets[@]}"; exit 0 ;;
  -h | --help) sed -n '2,22p' "$0"; exit 0 ;;
  '' | *[!0-9]*) ;;
  *) seconds=$1; shift ;;
esac
targets=("$@")
((${#targets[@]})) || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" $t "* ]] || { echo "fuzz: unknown target '$t' (see --list)" >&2; exit 2; }
done

export CC=${CC:-clang} CXX=${CXX:-clang++}
command -v "$CXX" >/dev/null || { echo "fuzz: $CXX not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer ${EXTRA_CXXFLAGS:-}"
cmake -S tests/fuzz -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" "${launcher[@]}" >/dev/null
if [[ $mode == seeds ]]; then
  cmake --build "$build" -j "${JOBS:-$(nproc)}" --target make_gguf_seeds
  mkdir -p tests/fuzz/corpus/gguf_file
  "$build"/make_gguf_seeds tests/fuzz/corpus/gguf_file
  ls -l tests/fuzz/corpus/gguf_file
  exit 0
fi
cmake --build "$build" -j "${JOBS:-$(nproc)}" --target "${targets[@]/#/fuzz_}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p tests/fuzz/crashes
status=0
summary=()
for t in "${targets[@]}"; do
  exe=$root/$build/fuzz_$t seeds=$root/tests/fuzz/corpus/$t log=$root/$build/fuzz_$t.log
  if [[ $mode == regress ]]; then
    inputs=()
    while IFS= read -r -d '' f; do inputs+=("$f"); done < <(find "$seeds" "$root/tests/fuzz/crashes" -type f \
      \( -path "$seeds/*" -o -name "$t-*" \) -print0 2>/dev/null)
    if "$exe" "${inputs[@]}" >"$log" 2>&1; then
      summary+=("$(printf '%-18s ok    %6d inputs' "$t" "${#inputs[@]}")")
    else
      summary+=("$(printf '%-18s FAIL  (log: %s)' "$t" "$log")"); status=1
    fi
    continue
  fi
  work=$root/$build/corpus/$t
  mkdir -p "$work"
  echo "== fuzz_$t: ${seconds} s" >&2
  # shellcheck disable=SC2086  # FUZZ_ARGS is a list of flags
  # -timeout: one input running this long is reported as a hang. The slowest
  # seen take ~1 s (the first call builds a tokenizer); 60 s leaves room for
  # a loaded or slow CI machine without hiding a real hang.
  if "$exe" -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-60}" -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="$root/tests/fuzz/crashes/$t-" ${FUZZ_ARGS:-} "$work" "$seeds" >"$log" 2>&1; then
    result=ok
  else
    result=CRASH status=1
    grep -m1 -E '^==[0-9]+==ERROR|runtime error|fuzz invariant|deadly signal|Test unit written' "$log" >&2 || true
    grep -E 'Test unit written to' "$log" >&2 || true
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 || true)
  summary+=("$(printf '%-18s %-5s %10s execs %7s/s  %s' "$t" "$result" "${execs:-?}" "${rate:-?}" "${cov:-}")")
done
printf '%s\n' "${summary[@]}"
exit $status
