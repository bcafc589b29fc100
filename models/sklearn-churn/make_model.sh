#!/usr/bin/env bash
# Rebuild model.onnx, manifest.json, sample-request.json and expected-response.json
# in this folder. Installs the pinned requirements into a private venv first.
#   VENV=/tmp/some-venv ./make_model.sh   # put the venv elsewhere (default: ./.venv, gitignored)
# The venv / pip / run steps are shared with the other examples: ../common/make_model.sh.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$HERE/../common/make_model.sh" "$HERE" "$@"
