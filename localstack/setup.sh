#!/usr/bin/env bash
# Sourced by the other scripts: installs what a fresh machine lacks (idempotent, quick when done)
# and exports the environment every step shares. Emulator choice: AWS_ENDPOINT_URL (default MiniStack).
set -euo pipefail
MLSERVE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export MLSERVE_ROOT
MINISTACK_VERSION=1.5.33

# A JDK >= 21: the default java here is 17; Lambda's runtime is java21. Newest wins.
java_major() { sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null || true; }
if [[ -z "${JAVA_HOME:-}" || "$(java_major "$JAVA_HOME")" -lt 21 ]] 2>/dev/null; then
  best=""; best_major=0
  for jdk in /usr/lib/jvm/*; do
    major=$(java_major "$jdk"); major=${major:-0}
    if [[ -x "$jdk/bin/javac" && "$major" -ge 21 && "$major" -gt "$best_major" ]]; then best=$jdk; best_major=$major; fi
  done
  if [[ -z "$best" ]]; then
    echo "setup: no JDK >= 21 under /usr/lib/jvm; install one (e.g. apt-get install openjdk-21-jdk-headless)" >&2
    exit 1
  fi
  export JAVA_HOME="$best"
fi
export PATH="$JAVA_HOME/bin:$PATH"

# The emulator (MiniStack, MIT, no Docker) and the CDK CLI, pinned.
if ! python3 -c "import importlib.metadata as m, sys; sys.exit(m.version('ministack') != '$MINISTACK_VERSION')" 2>/dev/null; then
  echo "== setup: pip install ministack==$MINISTACK_VERSION"
  python3 -m pip install -q "ministack==$MINISTACK_VERSION"
fi
if [[ ! -x "$MLSERVE_ROOT/localstack/node_modules/.bin/cdklocal" ]]; then
  echo "== setup: npm ci (aws-cdk, aws-cdk-local)"
  (cd "$MLSERVE_ROOT/localstack" && npm ci --no-fund --no-audit --loglevel=error)
fi
export PATH="$MLSERVE_ROOT/localstack/node_modules/.bin:$PATH"

# boto3 reads stack outputs and the API key value (AWS CLI v1 here rejects newer flags).
if ! python3 -c "import boto3" 2>/dev/null; then
  echo "== setup: pip install boto3"
  python3 -m pip install -q boto3
fi

# Per-emulator files; override both to run a second emulator beside the default one.
export MLSERVE_STATE_DIR="${MLSERVE_STATE_DIR:-$MLSERVE_ROOT/localstack/.state}"
export MLSERVE_OUTPUTS="${MLSERVE_OUTPUTS:-$MLSERVE_ROOT/localstack/outputs.json}"

# Every SDK, CLI and function process talks to the emulator through these.
export AWS_ENDPOINT_URL="${AWS_ENDPOINT_URL:-http://localhost:4566}"
export AWS_ENDPOINT_URL_S3="${AWS_ENDPOINT_URL_S3:-$AWS_ENDPOINT_URL}"
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
export AWS_REGION="${AWS_REGION:-us-east-1}"
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-$AWS_REGION}"
export CDK_DISABLE_VERSION_CHECK=1
