#!/usr/bin/env bash
# Feedback ingest benchmark on the emulator (see run.py). Needs a deployed stack: localstack/deploy.sh first.
# Usage: [AWS_ENDPOINT_URL=http://localhost:4566] bench/feedback/run.sh [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
source localstack/setup.sh >/dev/null
exec python3 bench/feedback/run.py "$@"
