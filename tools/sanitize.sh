#!/usr/bin/env bash
# Builds the test suite under sanitizers, each in its own build directory,
# and runs it with ctest. Sanitizer reports abort the test that triggers
# them (no recovery, no suppressions for liveformer's own code).
#
# usage: tools/sanitize.sh [asan|tsan|all] [extra ctest arguments...]
#   asan  (default) build-asan: AddressSanitizer + UndefinedBehaviorSanitizer,
#         the whole ctest suite (Catch2 programs, c_api, cli, apps) except
#         consumer_project (an uninstrumented find_package() consumer).
#   tsan  build-tsan: ThreadSanitizer over the code that runs threads: the
#         thread pool, the ops split over it (matmul_weights, attention),
#         batched forward passes with two threads, the C API (two-thread
#         contexts), the apps (live-qa --batch and comment-analysis --jobs
#         use worker threads), the runtime tests (the scheduler among them),
#         the C API's scheduler, liveformer serve end to end and its HTTP
#         transport, and the short concurrency soak (tests/soak).
#   all   both, asan first.
#
# Every sanitizer report is also written to DIR/sanitizer-reports/ (the
# log_path option); the run fails if any report file exists afterwards, so
# a report inside a test that expected its program to fail (a bash test
# checking for a non-zero exit) still fails the run.
#
# Environment: ASAN_DIR / TSAN_DIR override the build directories;
# CC/CXX pick the compiler (default clang/clang++ when
# installed, else gcc/g++); LIVEFORMER_NATIVE=OFF disables -march=native;
# JOBS sets the build parallelism. libpcre2 and libsentencepiece come from
# Debian and are not instrumented; ASan still checks every access our code
# makes to their buffers, and TSan sees no threads inside them.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-asan}
if (($# > 0)); then shift; fi
case $mode in asan | tsan | all) ;; *)
  echo "usage: $0 [asan|tsan|all] [ctest arguments...]" >&2
  exit 2
  ;;
esac

if [[ -z ${CC:-} || -z ${CXX:-} ]]; then
  if command -v clang >/dev/null && command -v clang++ >/dev/null; then
    export CC=clang CXX=clang++
  else
    export CC=gcc CXX=g++
  fi
fi
native=${LIVEFORMER_NATIVE:-ON}
asan_dir=${ASAN_DIR:-build-asan}
tsan_dir=${TSAN_DIR:-build-tsan}
jobs=${JOBS:-$(nproc)}
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi

# Reports must fail the run; stack traces make them actionable.
asan_options=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1}
ubsan_options=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
tsan_options=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

# with_report_dir DIR: points the sanitizers' log_path into DIR/sanitizer-reports
# (emptied first).
with_report_dir() {
  reports=$PWD/$1/sanitizer-reports
  rm -rf "$reports"
  mkdir -p "$reports"
  export ASAN_OPTIONS="$asan_options:log_path=$reports/asan"
  export UBSAN_OPTIONS="$ubsan_options:log_path=$reports/ubsan"
  export TSAN_OPTIONS="$tsan_options:log_path=$reports/tsan"
}

# The one line ASan prints in every process that calls swapcontext (the
# CUDA emulator runs a block's threads as ucontext fibers and tells ASan
# about every stack switch, so it is a notice, not a finding).
fiber_notice='^==[0-9]+==WARNING: ASan doesn'"'"'t fully support makecontext/swapcontext functions and may produce false positives in some cases!$'

# check_reports: fails (printing them) if any sanitizer wrote a report.
# A file holding nothing but the fiber notice is removed first.
check_reports() {
  local f
  for f in "$reports"/*; do
    [[ -f $f ]] || continue
    if ! grep -Evq "$fiber_notice" "$f"; then rm -f "$f"; fi
  done
  if [[ -n $(find "$reports" -type f -print -quit) ]]; then
    echo "== sanitizer reports in $reports:" >&2
    for f in "$reports"/*; do
      echo "--- $f" >&2
      head -n 60 "$f" >&2
    done
    return 1
  fi
}

# configure_and_build DIR "SANITIZER FLAGS" [cmake args...]; builds the
# targets named in the array build_targets, or everything when it is empty.
build_targets=()
configure_and_build() {
  local dir=$1 flags=$2
  shift 2
  echo "== $dir: $CXX $flags" >&2
  cmake -S . -B "$dir" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="$flags" -DCMAKE_SHARED_LINKER_FLAGS="$flags" \
    -DLIVEFORMER_NATIVE="$native" -DLIVEFORMER_CUDA=OFF -DLIVEFORMER_PYTHON=OFF \
    -DLIVEFORMER_BENCHMARKS=OFF -DLIVEFORMER_TESTS=ON "${launcher[@]}" "$@" >/dev/null
  cmake --build "$dir" -j "$jobs" ${build_targets[@]:+--target "${build_targets[@]}"}
}

run_asan() {
  local start=$SECONDS
  configure_and_build "$asan_dir" \
    "-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
    -DLIVEFORMER_EXAMPLES=ON
  with_report_dir "$asan_dir"
  local status=0
  ctest --test-dir "$asan_dir" --output-on-failure --timeout 1800 -j "$jobs" -E '^consumer_project$' "$@" || status=1
  check_reports || status=1
  ((status == 0)) || { echo "== asan: FAILED after $((SECONDS - start)) s" >&2; return 1; }
  echo "== asan: passed in $((SECONDS - start)) s" >&2
}

run_tsan() {
  local start=$SECONDS
  # Only what the selected tests run (saves most of the build time).
  build_targets=(test_core test_ops test_model test_runtime test_c_api test_c_api_scheduler liveformer_soak script_gen
    live_qa comment_analysis liveformer_serve_bin test_http_server)
  configure_and_build "$tsan_dir" "-fsanitize=thread -fno-omit-frame-pointer" -DLIVEFORMER_EXAMPLES=ON
  with_report_dir "$tsan_dir"
  local status=0
  # Catch2's discovered names read "runtime:chat: ...": no space after the
  # area (` ?` keeps the pattern right either way).
  ctest --test-dir "$tsan_dir" --output-on-failure --timeout 1800 \
    -R '^(apps|apps_shared|c_api|c_api_shared|c_api_scheduler|server|server: http transport|soak: .*|runtime: ?.*|core: ?ThreadPool.*|ops: ?.*(threads|batch).*|model: ?.*batch.*)$' "$@" || status=1
  check_reports || status=1
  ((status == 0)) || { echo "== tsan: FAILED after $((SECONDS - start)) s" >&2; return 1; }
  echo "== tsan: passed in $((SECONDS - start)) s" >&2
}

case $mode in
  asan) run_asan "$@" ;;
  tsan) run_tsan "$@" ;;
  all) run_asan "$@" && run_tsan "$@" ;;
esac
