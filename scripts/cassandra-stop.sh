#!/usr/bin/env bash
# Stops the Cassandra node started by scripts/cassandra-start.sh: SIGTERM (Cassandra flushes and
# shuts down cleanly), then waits. Idempotent: succeeds when no node is running.
#
# Environment: SEALPOST_VAR (default var), SEALPOST_CASSANDRA_STOP_TIMEOUT seconds to wait
# before SIGKILL (default 60).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VAR="${SEALPOST_VAR:-var}"
case "$VAR" in /*) ;; *) VAR="$ROOT/$VAR" ;; esac
PIDFILE="$VAR/cassandra/cassandra.pid"
TIMEOUT="${SEALPOST_CASSANDRA_STOP_TIMEOUT:-60}"

if [ ! -f "$PIDFILE" ]; then
  echo "cassandra-stop: not running (no $PIDFILE)"
  exit 0
fi
PID="$(cat "$PIDFILE")"
# Only signal the pid when it still is our Cassandra: pids are reused.
if [ -z "$PID" ] || ! kill -0 "$PID" 2>/dev/null ||
  ! tr '\0' ' ' <"/proc/$PID/cmdline" 2>/dev/null | grep -q 'org.apache.cassandra.service.CassandraDaemon'; then
  echo "cassandra-stop: not running (stale pidfile, pid ${PID:-none})"
  rm -f "$PIDFILE"
  exit 0
fi

echo "cassandra-stop: stopping Cassandra (pid $PID)"
kill -TERM "$PID"
deadline=$((SECONDS + TIMEOUT))
while kill -0 "$PID" 2>/dev/null; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "cassandra-stop: still running after ${TIMEOUT}s; sending SIGKILL" >&2
    kill -KILL "$PID" 2>/dev/null || true
    break
  fi
  sleep 0.5
done
rm -f "$PIDFILE"
echo "cassandra-stop: stopped"
