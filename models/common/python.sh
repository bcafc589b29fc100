#!/usr/bin/env bash
# Runs one Python script of an example in a venv the example owns (same venv rules as make_model.sh):
#   models/common/python.sh <example-dir> <script.py> [args]
#   VENV=/tmp/some-venv   put the venv elsewhere (default: <example-dir>/.venv, gitignored)
#   PYTHON=python3.11     interpreter that creates the venv (default: python3.11, else python3)
# Installs the example's pinned requirements.txt first; PYTHONHASHSEED=0 so runs repeat.
set -euo pipefail
HERE="$(cd "$1" && pwd)"
SCRIPT="$2"
shift 2
VENV="${VENV:-$HERE/.venv}"
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"
export PYTHONHASHSEED=0
exec "$VENV/bin/python" "$HERE/$SCRIPT" "$@"
