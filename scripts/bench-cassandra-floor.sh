#!/usr/bin/env bash
# Cassandra's floor on this machine (#21): plain writes per second a single node takes, and its
# CPU per write, with the load generator (scripts/CassandraFloor.java) on the same box. Phases:
# single-row inserts (LOCAL_ONE, LOCAL_QUORUM), a 2-row unlogged batch in one partition, insert
# then delete (a message stored and acked), and the minimal message (envelope insert and delete,
# receipt insert and delete). Each prints statements/s, mutations/s, p50/p99, Cassandra's µs of
# CPU per statement and per mutation, and the load generator's; then one JSON line per phase.
# Works in its own keyspace (sealpost_floor), dropped at the end. Needs target/sealpost.jar.
#   scripts/bench-cassandra-floor.sh [--duration 20] [--warmup 5] [--inflight 256] [--devices 1000] [--phases ...]
# Environment:
#   SEALPOST_CASSANDRA_PIDFILE  pid file of the running node (default var/cassandra/cassandra.pid);
#                               with the default and no node running, scripts/cassandra-start.sh starts one
#   SEALPOST_CASSANDRA_PORT     CQL port (default 9042)
#   BENCH_TIMEOUT               seconds before the load generator is stopped (default 900)
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${JAR:-target/sealpost.jar}
PIDFILE=${SEALPOST_CASSANDRA_PIDFILE:-var/cassandra/cassandra.pid}
PORT=${SEALPOST_CASSANDRA_PORT:-9042}
[ -f "$JAR" ] || { echo "bench-cassandra-floor: $JAR missing (mvn -B -q package -DskipTests)" >&2; exit 1; }

is_cassandra() {
  [ -n "$1" ] && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q 'org.apache.cassandra.service.CassandraDaemon'
}
PID=$(cat "$PIDFILE" 2>/dev/null || true)
if ! is_cassandra "$PID"; then
  [ "$PIDFILE" = var/cassandra/cassandra.pid ] || { echo "bench-cassandra-floor: no Cassandra at the pid in $PIDFILE" >&2; exit 1; }
  scripts/cassandra-start.sh   # idempotent; fails if another process holds the port
  PID=$(cat "$PIDFILE")
fi
echo "Cassandra pid $PID ($PIDFILE), CQL on 127.0.0.1:$PORT; $(nproc) cores; $(date -u +%FT%TZ)"
exec timeout "${BENCH_TIMEOUT:-900}" java -cp "$JAR" scripts/CassandraFloor.java \
  --pid "$PID" --clk-tck "$(getconf CLK_TCK)" --port "$PORT" "$@"
