#!/usr/bin/env bash
# Stops the dedicated TURN server that scripts/turn-start.sh started on 127.0.0.1:PORT.
# Idempotent: nothing running on PORT is not an error.
#
# Usage: scripts/turn-stop.sh [PORT]   (default: $SEALPOST_TURN_PORT, else 3479)
set -euo pipefail
cd "$(dirname "$0")/.."   # a relative SEALPOST_VAR is relative to the project root

port="${1:-${SEALPOST_TURN_PORT:-3479}}"
if ! [[ "$port" =~ ^[0-9]+$ ]] || (( port < 1024 || port > 65535 )); then
  echo "turn-stop: PORT must be a number in 1024..65535, got '$port'" >&2
  exit 2
fi
timeout_seconds="${SEALPOST_TURN_STOP_TIMEOUT:-20}"
pidfile="${SEALPOST_VAR:-var}/turn-$port/turnserver.pid"

running() {
  [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

if ! running; then
  rm -f "$pidfile"
  echo "turn-stop: no TURN server started by turn-start.sh on 127.0.0.1:$port"
  exit 0
fi
kill "$(cat "$pidfile")"
deadline=$(( SECONDS + timeout_seconds ))
while running; do
  if (( SECONDS >= deadline )); then
    echo "turn-stop: turnserver on 127.0.0.1:$port still running after ${timeout_seconds} s" >&2
    exit 1
  fi
  sleep 0.1
done
rm -f "$pidfile"
echo "turn-stop: TURN server on 127.0.0.1:$port stopped"
