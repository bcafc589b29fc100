#!/usr/bin/env bash
# start | stop | status of the local emulator. If AWS_ENDPOINT_URL already answers (LocalStack or a
# running MiniStack), it is used as is; otherwise MiniStack starts on that URL's port (default 4566).
set -euo pipefail
source "$(dirname "$0")/setup.sh"
state="$MLSERVE_STATE_DIR"
mkdir -p "$state"
port=$(python3 -c 'import sys, urllib.parse as u; print(u.urlsplit(sys.argv[1]).port or 4566)' "$AWS_ENDPOINT_URL")

healthy() { curl -sf -m 2 "$AWS_ENDPOINT_URL/_localstack/health" >/dev/null 2>&1; }

case "${1:-status}" in
  start)
    if healthy; then echo "== emulator already up at $AWS_ENDPOINT_URL"; exit 0; fi
    case "$AWS_ENDPOINT_URL" in
      http://localhost:*|http://127.0.0.1:*) ;;
      *) echo "emulator.sh: $AWS_ENDPOINT_URL does not answer, and MiniStack can only start on localhost" >&2; exit 1 ;;
    esac
    echo "== starting MiniStack on $AWS_ENDPOINT_URL (log: $state/ministack.log)"
    # Functions run as child processes and inherit this environment: JAVA_HOME for the bootstrap,
    # AWS_ENDPOINT_URL so the SDK inside the function calls the emulator. setsid gives MiniStack its
    # own process group, so stop ends it and its warm Java workers, and nothing else.
    GATEWAY_PORT="$port" setsid nohup python3 -m ministack >"$state/ministack.log" 2>&1 </dev/null &
    echo $! >"$state/ministack.pid"
    for _ in $(seq 1 60); do
      if healthy; then echo "== emulator up (pid $(cat "$state/ministack.pid"))"; exit 0; fi
      if ! kill -0 "$(cat "$state/ministack.pid")" 2>/dev/null; then break; fi
      sleep 1
    done
    echo "emulator did not become healthy; see $state/ministack.log" >&2
    tail -20 "$state/ministack.log" >&2 || true
    exit 1
    ;;
  stop)
    # Only what this script started (its pid file): an emulator started elsewhere is left alone.
    if [[ -f "$state/ministack.pid" ]]; then
      pid=$(cat "$state/ministack.pid")
      pgid=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ' || true)
      if [[ -n "$pgid" && "$pgid" == "$pid" ]]; then
        kill -- "-$pgid" 2>/dev/null || true # MiniStack and its function workers
      elif [[ -n "$pgid" ]]; then
        kill "$pid" 2>/dev/null || true # started by an older script without setsid
      fi
      for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      rm -f "$state/ministack.pid"
      echo "== emulator stopped"
    else
      echo "== no emulator started by this script ($state/ministack.pid missing)"
    fi
    ;;
  status)
    if healthy; then echo "up at $AWS_ENDPOINT_URL"; else echo "down ($AWS_ENDPOINT_URL)"; exit 1; fi
    ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
