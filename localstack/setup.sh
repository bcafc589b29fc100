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

# Python tools live in a venv this checkout owns (localstack/.venv), never in the system Python. Its
# bin/ goes first on PATH, so `python3` in every script is the venv's: emulator.sh's
# `python3 -m ministack`, deploy.sh's boto3, and the MiniStack process the functions run under.
MLSERVE_VENV="$MLSERVE_ROOT/localstack/.venv"
if ! "$MLSERVE_VENV/bin/python3" -c 'import sys' 2>/dev/null; then # missing, or its base Python is gone
  echo "== setup: python3 -m venv localstack/.venv"
  python3 -m venv --clear "$MLSERVE_VENV"
fi
export VIRTUAL_ENV="$MLSERVE_VENV"
export PATH="$MLSERVE_VENV/bin:$PATH"
hash -r

# The emulator (MiniStack, MIT, no Docker), pinned, and boto3 (reads stack outputs and the API key
# values; AWS CLI v1 here rejects newer flags). One pip call, so the resolver picks a boto3 that fits
# the botocore MiniStack pins (installed apart, the newest boto3 upgrades botocore past that pin).
if ! python3 -c "import importlib.metadata as m, sys, boto3; sys.exit(m.version('ministack') != '$MINISTACK_VERSION')" 2>/dev/null; then
  echo "== setup: pip install ministack==$MINISTACK_VERSION boto3 (into localstack/.venv)"
  python3 -m pip install -q --disable-pip-version-check "ministack==$MINISTACK_VERSION" boto3
fi

# The CDK CLI, pinned.
if [[ ! -x "$MLSERVE_ROOT/localstack/node_modules/.bin/cdklocal" ]]; then
  echo "== setup: npm ci (aws-cdk, aws-cdk-local)"
  (cd "$MLSERVE_ROOT/localstack" && npm ci --no-fund --no-audit --loglevel=error)
fi
export PATH="$MLSERVE_ROOT/localstack/node_modules/.bin:$PATH"

# Headless Chromium renders GET /docs in DocsPageE2ET: Debian's package (a browser cannot be
# downloaded any other way here), installed once; ~15 s with the package lists refreshed.
if [[ ! -x /usr/bin/chromium ]]; then
  if command -v apt-get >/dev/null; then
    echo "== setup: apt-get install chromium"
    as_root=(); [[ $(id -u) -eq 0 ]] || as_root=(sudo)
    apt_quiet=(-qq -o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0)
    apt_log=$(mktemp)
    if ! { "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_quiet[@]}" update &&
           "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_quiet[@]}" install -y --no-install-recommends \
             chromium fonts-dejavu-core; } >"$apt_log" 2>&1; then
      cat "$apt_log" >&2; rm -f "$apt_log"
      echo "setup: installing chromium failed" >&2
      exit 1
    fi
    rm -f "$apt_log"
  else
    echo "setup: /usr/bin/chromium is missing and there is no apt-get: install Chromium for DocsPageE2ET" >&2
  fi
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
