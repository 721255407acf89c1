#!/usr/bin/env bash
# `liveformer generate --device cpu|cuda|auto` (src/runtime/device.cpp):
#  - where a GPU and a LIVEFORMER_CUDA build serve it, cuda generates on
#    the GPU (it names the device on stderr) and auto does too;
#  - elsewhere cuda fails (exit != 0) with "device cuda:" and the CUDA
#    driver's own message (or the loader's, when no driver is installed, or
#    the missing backend), and says what to use instead; nothing is
#    generated; and auto runs on the CPU: the same text as --device cpu;
#  - an unknown device is an argument error naming the choices.
# usage: device_option_test.sh BIN MODEL_DIR
set -u
BIN=$1
MODEL=$2
TMP=$(mktemp -d "${TMPDIR:-/tmp}/liveformer_device_test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
failed=0
fail() { echo "FAIL: $1"; [ -f "$TMP/err" ] && sed 's/^/      /' "$TMP/err"; failed=1; }
run() { "$BIN" generate -m "$MODEL" -p "hello" -n 8 --temp 0 "$@" >"$TMP/out" 2>"$TMP/err"; }

cuda_served=0
if run --device cuda; then
  if grep -q "^device: " "$TMP/err" && [ -s "$TMP/out" ]; then
    cuda_served=1
    echo "PASS: --device cuda generated on $(grep -o '^device: .*' "$TMP/err" | head -1)"
  else
    fail "--device cuda succeeded without naming its device or without text"
  fi
elif ! grep -q "device cuda: " "$TMP/err"; then
  fail "--device cuda: the error does not say 'device cuda: '"
elif ! grep -Eq "no CUDA driver: |cuInit failed: CUDA_ERROR_|cuDevice[A-Za-z]* failed: CUDA_ERROR_|sees no device|has no CUDA backend" "$TMP/err"; then
  fail "--device cuda: the error carries neither the driver's message nor the reason"
elif ! grep -q "use device cpu" "$TMP/err"; then
  fail "--device cuda: the error does not say what to use instead"
elif [ -s "$TMP/out" ]; then
  fail "--device cuda printed generated text"
else
  echo "PASS: --device cuda: $(grep -o 'device cuda: .*' "$TMP/err" | head -1)"
fi

if ! run --device cpu; then
  fail "--device cpu failed"
else
  cp "$TMP/out" "$TMP/cpu"
  if ! run --device auto; then
    fail "--device auto failed instead of falling back to the CPU"
  elif [ $cuda_served = 1 ]; then
    grep -q "^device: " "$TMP/err" && echo "PASS: --device auto runs on the GPU" || fail "--device auto did not use the GPU"
  elif [ ! -s "$TMP/cpu" ] || ! cmp -s "$TMP/out" "$TMP/cpu"; then
    fail "--device auto did not print the --device cpu text"
  else
    echo "PASS: --device auto runs on the CPU (same text as --device cpu)"
  fi
fi

if run --device tpu; then
  fail "--device tpu was accepted"
elif ! grep -q "cpu, cuda or auto" "$TMP/err"; then
  fail "--device tpu: the error does not name the choices"
else
  echo "PASS: --device tpu is refused"
fi
exit $failed
