#!/usr/bin/env bash
# Stops the local cluster of scripts/cluster-up.sh: every node gets SIGTERM (graceful: its
# clients are told to reconnect elsewhere, it leaves the cluster), then the Redis and Cassandra
# that cluster-up.sh started itself (services that were already running stay up). Idempotent.
# Environment: SEALPOST_VAR; SEALPOST_CLUSTER_STOP_TIMEOUT seconds per node before SIGKILL (default 60).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
VAR="${SEALPOST_VAR:-var}"
case "$VAR" in /*) ;; *) VAR="$ROOT/$VAR" ;; esac
DIR="$VAR/cluster"
TIMEOUT="${SEALPOST_CLUSTER_STOP_TIMEOUT:-60}"

is_node() {
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q 'sealpost.jar server'
}

pids=()
for pidfile in "$DIR"/node-*/server.pid; do
  [ -f "$pidfile" ] || continue
  pid="$(cat "$pidfile")"
  if is_node "$pid"; then
    echo "cluster-down: stopping $(basename "$(dirname "$pidfile")") (pid $pid)"
    kill -TERM "$pid"
    pids+=("$pid")
  fi
  rm -f "$pidfile"
done
for pid in "${pids[@]}"; do
  deadline=$((SECONDS + TIMEOUT))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "cluster-down: pid $pid still running after ${TIMEOUT}s; sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
done

services="$(cat "$DIR/services" 2>/dev/null || true)"
case " $services " in *" cassandra "*) scripts/cassandra-stop.sh ;; esac
case " $services " in *" redis "*) scripts/redis-stop.sh ;; esac
rm -f "$DIR/services"
echo "cluster-down: stopped"
