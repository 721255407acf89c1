#!/usr/bin/env bash
# Builds the Python module as a wheel, installs it into a virtual environment
# (pip install .) and runs its pytest suite and the notebooks in
# examples/notebooks/ against the installed copy: what CI runs for python/.
# Idempotent: reuses the venv and an incremental CMake build directory, so a
# second run only rebuilds what changed.
#
# The notebooks run on Debian's python3-nbclient and python3-ipykernel
# (tools/setup.sh installs them): the venv is made from Debian's interpreter
# with --system-site-packages, so those packages and the installed wheel meet
# in one interpreter. pip installs only the build requirements and
# python/test-requirements.txt (pytest, numpy) into the venv.
#
#   tools/python_test.sh [pytest arguments...]
#
# Environment:
#   PYTHON              interpreter for the venv (default: /usr/bin/python3,
#                       Debian's, whose dist-packages hold nbclient/ipykernel)
#   LIVEFORMER_PY_WORK  the venv and the install log (default: build/pyvenv)
#   LIVEFORMER_WHEEL_BUILD  the wheel's CMake build directory (default:
#                       build-wheel, beside build/: at the same depth, ccache
#                       with CCACHE_BASEDIR (tools/test.sh) reuses build/'s
#                       objects, as their relative paths match)
#   LIVEFORMER_SHARED   the shared data directory (default: ../shared);
#                       tests needing stories260K skip when it is absent
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
default_python=python3
[[ -x /usr/bin/python3 ]] && default_python=/usr/bin/python3
python=${PYTHON:-$default_python}
work=${LIVEFORMER_PY_WORK:-$root/build/pyvenv}
wheel_build=${LIVEFORMER_WHEEL_BUILD:-$root/build-wheel}
venv=$work/venv
log=$work/install.log
start=$(date +%s)
mkdir -p "$work"

fail() {
  echo "python_test: $1 (last lines of $log follow)" >&2
  tail -n 40 "$log" >&2
  exit 1
}

: >"$log"
# A venv made by another interpreter or without the system site-packages
# (an older version of this script) is made again.
python_path=$(command -v "$python") || fail "no interpreter '$python'"
want="$(readlink -f "$python_path") system-site-packages"
if [[ ! -x $venv/bin/python || "$(cat "$work/venv.made-by" 2>/dev/null)" != "$want" ]]; then
  rm -rf "$venv" "$wheel_build"
  "$python" -m venv --system-site-packages "$venv" >>"$log" 2>&1 ||
    fail "cannot create a venv with $python (Debian: apt-get install python3-venv)"
  echo "$want" >"$work/venv.made-by"
fi
"$venv/bin/python" -c 'import nbclient, ipykernel' >>"$log" 2>&1 ||
  fail "the venv cannot import nbclient and ipykernel: install Debian's python3-nbclient and python3-ipykernel (tools/setup.sh) and use Debian's python3"
pip=("$venv/bin/python" -m pip --disable-pip-version-check)

# Build requirements from pyproject.toml (installed into the venv, so the
# wheel is built without isolation and its CMake build directory stays valid
# between runs), plus the test requirements.
mapfile -t build_requires < <("$venv/bin/python" -c '
import tomllib
with open("pyproject.toml", "rb") as f:
    print("\n".join(tomllib.load(f)["build-system"]["requires"]))') || fail "cannot read pyproject.toml (needs Python >= 3.11)"
"${pip[@]}" install -q "${build_requires[@]}" -r python/test-requirements.txt >>"$log" 2>&1 ||
  fail "pip could not install the requirements"

# The wheel: pip install . (from the repository root).
echo "python_test: building and installing the wheel (log: $log)"
"${pip[@]}" install --no-build-isolation --no-deps --force-reinstall \
  --config-settings=build-dir="$wheel_build" . >>"$log" 2>&1 || fail "pip install . failed"
installed=$(cd / && env -u PYTHONPATH "$venv/bin/python" -c 'import liveformer; print(liveformer.__version__, liveformer.__file__)') \
  || fail "the installed module does not import"
echo "python_test: installed liveformer $installed"

# The tests, against the installed wheel (not a build tree).
export LIVEFORMER_TEST_DATA=$root/tests/data
export LIVEFORMER_SHARED=${LIVEFORMER_SHARED:-$root/../shared}
status=0
env -u PYTHONPATH "$venv/bin/python" -m pytest -q -rs -p no:cacheprovider python/tests "$@" || status=$?
echo "python_test: pytest exit status $status"
# The notebooks, executed top to bottom with the same installed module; each
# code cell must print what the notebook has committed (run_notebooks.py
# --write regenerates the outputs after a deliberate change).
if [[ $# -eq 0 ]]; then
  env -u PYTHONPATH "$venv/bin/python" examples/notebooks/run_notebooks.py || status=1
  # liveformer serve through the official openai client (pinned in
  # python/test-requirements.txt), when the main build has the server.
  serve_bin=${LIVEFORMER_SERVE_BIN:-$root/build/liveformer-serve}
  if [[ -x $serve_bin ]]; then
    env -u PYTHONPATH "$venv/bin/python" tests/server/openai_client_test.py "$serve_bin" "$root" || status=1
  else
    echo "python_test: $serve_bin not built; the openai client test did not run"
  fi
fi
echo "python_test: exit status $status, $(($(date +%s) - start)) s in all"
exit $status
