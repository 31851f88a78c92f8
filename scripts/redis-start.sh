#!/usr/bin/env bash
# Starts a dedicated Redis for Sealpost on 127.0.0.1:PORT (never the system's 6379 service),
# installing Debian's redis-server first if it is missing. Idempotent: a Redis already answering
# on PORT is left as it is.
#
# Usage: scripts/redis-start.sh [PORT]   (default: $SEALPOST_REDIS_PORT, else 6380)
# State:  ${SEALPOST_VAR:-var}/redis-PORT/ (pidfile, log; no persistence: the data is
#         rate-limit buckets and session entries that all expire anyway)
set -euo pipefail
cd "$(dirname "$0")/.."   # a relative SEALPOST_VAR is relative to the project root

port="${1:-${SEALPOST_REDIS_PORT:-6380}}"
if ! [[ "$port" =~ ^[0-9]+$ ]] || (( port < 1 || port > 65535 )); then
  echo "redis-start: PORT must be a number in 1..65535, got '$port'" >&2
  exit 2
fi
if (( port == 6379 )); then
  echo "redis-start: 6379 is the system's default Redis service; pick another port" >&2
  exit 2
fi
timeout_seconds="${SEALPOST_REDIS_START_TIMEOUT:-20}"

ensure_installed() {
  if command -v redis-server >/dev/null && command -v redis-cli >/dev/null; then
    return
  fi
  echo "redis-start: installing Debian's redis-server"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q redis-server >/dev/null; then
    apt-get update -q >/dev/null
    apt-get install -y -q redis-server >/dev/null
  fi
  # The package enables the default 6379 service; Sealpost never uses it, so leave it stopped
  # where there is a service manager (containers usually have none).
  if command -v systemctl >/dev/null && systemctl is-active --quiet redis-server 2>/dev/null; then
    systemctl stop redis-server >/dev/null 2>&1 || true
  fi
}

answers() {
  # bounded: something else listening on PORT may accept and never answer
  [[ "$(timeout 2 redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == "PONG" ]]
}

ensure_installed

if answers; then
  echo "redis-start: Redis already answers on 127.0.0.1:$port"
  echo "stop it with: scripts/redis-stop.sh $port"
  exit 0
fi

dir="$(mkdir -p "${SEALPOST_VAR:-var}/redis-$port" && cd "${SEALPOST_VAR:-var}/redis-$port" && pwd)"
redis-server \
  --bind 127.0.0.1 \
  --port "$port" \
  --protected-mode yes \
  --daemonize yes \
  --dir "$dir" \
  --pidfile "$dir/redis.pid" \
  --logfile "$dir/redis.log" \
  --save "" \
  --appendonly no

deadline=$(( SECONDS + timeout_seconds ))
until answers; do
  if (( SECONDS >= deadline )); then
    echo "redis-start: Redis on 127.0.0.1:$port did not answer PING within ${timeout_seconds} s;" \
      "see $dir/redis.log" >&2
    tail -n 20 "$dir/redis.log" >&2 2>/dev/null || true
    exit 1
  fi
  sleep 0.1
done
echo "redis-start: Redis $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') answers on 127.0.0.1:$port (dir $dir)"
echo "stop it with: scripts/redis-stop.sh $port"
