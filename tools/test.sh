#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite (the README's test command,
# and what CI runs). Extra arguments go to ctest, e.g. `-R ops`.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DLIVEFORMER_BENCHMARKS=ON >/dev/null
cmake --build build
ctest --test-dir build --output-on-failure --timeout 900 "$@"
# The Python module, installed as a wheel into a venv (pip install .).
tools/python_test.sh
