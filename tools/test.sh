#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite (the README's test command,
# and what CI runs). Extra arguments go to the main ctest run, e.g. `-R ops`.
#
# After the ordinary suite and the Python tests come the reliability stages
# (docs/reliability.md): the whole suite under ASan+UBSan, the threaded
# tests under TSan, and every fuzz target for FUZZ_SECONDS (default 25) each.
# Any sanitizer report or fuzzer crash fails the script. For a quick local
# run, LIVEFORMER_CI_QUICK=1 skips those stages; CI runs them all.
set -euo pipefail
cd "$(dirname "$0")/.."

# stage NAME COMMAND...: runs COMMAND and prints its wall time.
stage() {
  local name=$1 start=$SECONDS
  shift
  echo "== stage $name" >&2
  "$@"
  echo "== stage $name: passed in $((SECONDS - start)) s" >&2
}

tools/setup.sh
# ccache lets the wheel (tools/python_test.sh) reuse the Release build's
# objects instead of compiling the library again: the same flags, and with
# CCACHE_BASEDIR paths relative to build directories at the same depth.
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR=$PWD
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_CUDA_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DLIVEFORMER_BENCHMARKS=ON "${launcher[@]}" >/dev/null
if ((${#launcher[@]})); then
  # The same compilers by the same names: pip would hand the wheel Python's
  # (x86_64-linux-gnu-g++), and ccache keys objects by the compiler's name.
  compilers=()
  for lang in C CXX; do
    path=$(sed -n "s/^CMAKE_${lang}_COMPILER:[A-Z]*=//p" build/CMakeCache.txt)
    [[ -n $path ]] && compilers+=("-DCMAKE_${lang}_COMPILER=$path")
  done
  export CMAKE_ARGS="${CMAKE_ARGS:-} ${launcher[*]} ${compilers[*]}"  # scikit-build-core passes these on
fi
stage build cmake --build build
stage ctest ctest --test-dir build --output-on-failure --timeout 900 "$@"
# The Python module, installed as a wheel into a venv (pip install .).
stage python tools/python_test.sh

if [[ ${LIVEFORMER_CI_QUICK:-0} == 1 ]]; then
  echo "== LIVEFORMER_CI_QUICK=1: sanitizer and fuzz stages skipped" >&2
  exit 0
fi
stage asan tools/sanitize.sh asan
stage tsan tools/sanitize.sh tsan
stage fuzz tools/fuzz.sh "${FUZZ_SECONDS:-25}"
