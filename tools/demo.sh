#!/usr/bin/env bash
# Sets up, builds and runs the main demo (the README's first command).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --target attention_demo >/dev/null
build/examples/attention_demo
