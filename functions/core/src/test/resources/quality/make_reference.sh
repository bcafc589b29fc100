#!/usr/bin/env bash
# Regenerates the committed quality reference (labelled pairs + scikit-learn's metrics) beside this script.
# Uses its own venv with pinned numpy/scikit-learn (requirements.txt) so the numbers do not depend on the machine.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${QUALITY_REF_VENV:-$here/../../../../target/quality-ref-venv}"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet -r "$here/requirements.txt"
fi
"$venv/bin/python" "$here/make_reference.py" "$here"
