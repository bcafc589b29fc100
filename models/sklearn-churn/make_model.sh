#!/usr/bin/env bash
# Rebuild model.onnx, manifest.json, sample-request.json and expected-response.json
# in this folder. Installs the pinned requirements into a private venv first.
#   VENV=/tmp/some-venv ./make_model.sh   # put the venv elsewhere (default: ./.venv, gitignored)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${VENV:-$HERE/.venv}"
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"
export PYTHONHASHSEED=0
exec "$VENV/bin/python" "$HERE/make_model.py" "$@"
