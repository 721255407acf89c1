#!/usr/bin/env bash
# Installs the Debian packages liveformer needs to build and test.
# Idempotent and quiet: packages already installed are skipped, and apt is
# only touched when something is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  ccache                   # tools/test.sh: the wheel reuses the Release build's objects
  libeigen3-dev            # CPU linear algebra
  catch2                   # unit tests
  libbenchmark-dev         # micro-benchmarks
  nlohmann-json3-dev       # config.json / tokenizer.json
  libpcre2-dev             # Unicode-aware pre-tokenizer regexes
  libboost-dev             # Boost.Beast / Asio: liveformer serve's HTTP and WebSocket transport
  libsentencepiece-dev sentencepiece  # tokenizer.model files, spm_train
  pybind11-dev python3-dev # Python module
  python3-venv python3-nbclient python3-ipykernel  # tools/python_test.sh: its venv, and the notebooks run headless
  clang libclang-rt-14-dev # libFuzzer and sanitizers (tools/fuzz.sh, tools/sanitize.sh)
  chromium fonts-wqy-microhei fonts-noto-color-emoji  # headless check of comment-analysis's report.html (its Chinese text, emoji in colour)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
log=$(mktemp)
if ! $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
  cat "$log" >&2; rm -f "$log"; exit 1
fi
rm -f "$log"
