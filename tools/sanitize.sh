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
#         use worker threads) and the runtime tests.
#   all   both, asan first.
#
# Environment: CC/CXX pick the compiler (default clang/clang++ when
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
jobs=${JOBS:-$(nproc)}

# Reports must fail the run; stack traces make them actionable.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

# configure_and_build DIR "SANITIZER FLAGS" [cmake args...]
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
    -DLIVEFORMER_BENCHMARKS=OFF -DLIVEFORMER_TESTS=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
}

run_asan() {
  local start=$SECONDS
  configure_and_build build-asan \
    "-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
    -DLIVEFORMER_EXAMPLES=ON
  ctest --test-dir build-asan --output-on-failure --timeout 1800 -j "$jobs" -E '^consumer_project$' "$@"
  echo "== asan: passed in $((SECONDS - start)) s" >&2
}

run_tsan() {
  local start=$SECONDS
  configure_and_build build-tsan "-fsanitize=thread -fno-omit-frame-pointer" -DLIVEFORMER_EXAMPLES=ON
  ctest --test-dir build-tsan --output-on-failure --timeout 1800 \
    -R '^(apps|c_api|runtime: .*|core: ThreadPool.*|ops: .*(threads|batch).*|model: .*batch.*)$' "$@"
  echo "== tsan: passed in $((SECONDS - start)) s" >&2
}

case $mode in
  asan) run_asan "$@" ;;
  tsan) run_tsan "$@" ;;
  all) run_asan "$@" && run_tsan "$@" ;;
esac
