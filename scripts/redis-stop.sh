#!/usr/bin/env bash
# Stops the dedicated Redis that scripts/redis-start.sh started on 127.0.0.1:PORT. Idempotent:
# nothing running on PORT is not an error.
#
# Usage: scripts/redis-stop.sh [PORT]   (default: $SEALPOST_REDIS_PORT, else 6380)
set -euo pipefail
cd "$(dirname "$0")/.."   # a relative SEALPOST_VAR is relative to the project root

port="${1:-${SEALPOST_REDIS_PORT:-6380}}"
if ! [[ "$port" =~ ^[0-9]+$ ]] || (( port < 1 || port > 65535 )); then
  echo "redis-stop: PORT must be a number in 1..65535, got '$port'" >&2
  exit 2
fi
if (( port == 6379 )); then
  echo "redis-stop: 6379 is the system's default Redis service; not touching it" >&2
  exit 2
fi
timeout_seconds="${SEALPOST_REDIS_STOP_TIMEOUT:-20}"
dir="${SEALPOST_VAR:-var}/redis-$port"
pidfile="$dir/redis.pid"

answers() {
  command -v redis-cli >/dev/null &&
    # bounded: something else listening on PORT may accept and never answer
  [[ "$(timeout 2 redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == "PONG" ]]
}

if answers; then
  # NOSAVE: the instance keeps no data worth writing (see redis-start.sh).
  timeout 5 redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
elif [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  kill "$(cat "$pidfile")"
else
  rm -f "$pidfile"
  echo "redis-stop: no Redis running on 127.0.0.1:$port"
  exit 0
fi

deadline=$(( SECONDS + timeout_seconds ))
while answers || { [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }; do
  if (( SECONDS >= deadline )); then
    echo "redis-stop: Redis on 127.0.0.1:$port still running after ${timeout_seconds} s" >&2
    exit 1
  fi
  sleep 0.1
done
rm -f "$pidfile"
echo "redis-stop: Redis on 127.0.0.1:$port stopped"
