#!/usr/bin/env bash
# Regenerates data/*.csv with generate_data.py (seeded: the same numpy gives the same bytes).
# The venv and pinned requirements are handled by ../common/python.sh (VENV=... to put it elsewhere).
set -euo pipefail
exec "$(dirname "$0")/../common/python.sh" "$(dirname "$0")" generate_data.py "$@"
