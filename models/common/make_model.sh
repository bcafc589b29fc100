#!/usr/bin/env bash
# Shared body of every models/<example>/make_model.sh: make (or reuse) a venv, install the
# example's pinned requirements.txt into it, then run the example's make_model.py.
#   models/common/make_model.sh <example-dir> [args for make_model.py]
#   VENV=/tmp/some-venv   put the venv elsewhere (default: <example-dir>/.venv, gitignored)
#   PYTHON=python3.11     interpreter that creates the venv (default: python3.11, else python3)
set -euo pipefail
HERE="$(cd "$1" && pwd)"
shift
VENV="${VENV:-$HERE/.venv}"
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"
export PYTHONHASHSEED=0
exec "$VENV/bin/python" "$HERE/make_model.py" "$@"
