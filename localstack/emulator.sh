#!/usr/bin/env bash
# start | stop | status of the local emulator. If AWS_ENDPOINT_URL already answers (LocalStack or a
# running MiniStack), it is used as is; otherwise MiniStack starts on port 4566.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
state="$MLSERVE_ROOT/localstack/.state"
mkdir -p "$state"

healthy() { curl -sf -m 2 "$AWS_ENDPOINT_URL/_localstack/health" >/dev/null 2>&1; }

case "${1:-status}" in
  start)
    if healthy; then echo "== emulator already up at $AWS_ENDPOINT_URL"; exit 0; fi
    echo "== starting MiniStack on $AWS_ENDPOINT_URL (log: localstack/.state/ministack.log)"
    # Functions run as child processes and inherit this environment: JAVA_HOME for the bootstrap,
    # AWS_ENDPOINT_URL so the SDK inside the function calls the emulator.
    nohup python3 -m ministack >"$state/ministack.log" 2>&1 &
    echo $! >"$state/ministack.pid"
    for _ in $(seq 1 60); do
      if healthy; then echo "== emulator up"; exit 0; fi
      sleep 1
    done
    echo "emulator did not become healthy in 60 s; see $state/ministack.log" >&2
    tail -20 "$state/ministack.log" >&2 || true
    exit 1
    ;;
  stop)
    if [[ -f "$state/ministack.pid" ]]; then
      kill "$(cat "$state/ministack.pid")" 2>/dev/null || true
      rm -f "$state/ministack.pid"
      echo "== emulator stopped"
    fi
    # the function processes it started (warm Java workers) go with it
    pkill -f "com.amazonaws.services.lambda.runtime.api.client.AWSLambda" 2>/dev/null || true
    ;;
  status)
    if healthy; then echo "up at $AWS_ENDPOINT_URL"; else echo "down"; exit 1; fi
    ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
