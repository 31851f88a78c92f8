#!/usr/bin/env bash
# A Cassandra ring of three nodes on this machine, for trying replication factor 3 with
# LOCAL_QUORUM (docs/operations.md) and killing a node under load (BENCHMARKS.md). Not used by
# the tests. Nodes listen on 127.0.0.11, .12 and .13 (CQL 9042 and internode 7000 on each), so
# the single development node of scripts/cassandra-start.sh (127.0.0.1) can run beside them.
#
# Usage: scripts/cassandra-ring.sh start|stop|status
#   start   starts the nodes one after another (a node joins once the previous one answers CQL)
#   stop    stops all three
#   status  which nodes answer
# Environment: SEALPOST_VAR (default var; nodes keep their state in $SEALPOST_VAR/ring/nodeN),
#              SEALPOST_CASSANDRA_HEAP per node (default 384M)
# Sealpost then uses:
#   store.cassandra.contactPoints: 127.0.0.11:9042,127.0.0.12:9042,127.0.0.13:9042
#   store.cassandra.replication: "{'class': 'SimpleStrategy', 'replication_factor': 3}"
#   store.cassandra.consistency: LOCAL_QUORUM
set -euo pipefail
cd "$(dirname "$0")/.."
VAR="${SEALPOST_VAR:-var}"
case "$VAR" in /*) ;; *) VAR="$PWD/$VAR" ;; esac
NODES=(127.0.0.11 127.0.0.12 127.0.0.13)

node_env() {
  local i=$1
  echo "SEALPOST_VAR=$VAR/ring/node$((i + 1)) SEALPOST_CASSANDRA_ADDRESS=${NODES[$i]}" \
    "SEALPOST_CASSANDRA_SEEDS=${NODES[0]} SEALPOST_CASSANDRA_HEAP=${SEALPOST_CASSANDRA_HEAP:-384M}"
}

case "${1:-}" in
  start)
    for i in "${!NODES[@]}"; do
      # shellcheck disable=SC2046
      env $(node_env "$i") scripts/cassandra-start.sh
    done
    echo "cassandra-ring: 3 nodes up; contact points ${NODES[0]}:9042,${NODES[1]}:9042,${NODES[2]}:9042"
    ;;
  stop)
    for i in "${!NODES[@]}"; do
      # shellcheck disable=SC2046
      env $(node_env "$i") scripts/cassandra-stop.sh || true
    done
    ;;
  status)
    for i in "${!NODES[@]}"; do
      pid="$(cat "$VAR/ring/node$((i + 1))/cassandra/cassandra.pid" 2>/dev/null || true)"
      if timeout 2 bash -c "exec 3<>/dev/tcp/${NODES[$i]}/9042" 2>/dev/null; then
        echo "node$((i + 1)) ${NODES[$i]}: answers (pid ${pid:-?})"
      else
        echo "node$((i + 1)) ${NODES[$i]}: down"
      fi
    done
    ;;
  *)
    echo "usage: scripts/cassandra-ring.sh start|stop|status" >&2
    exit 2
    ;;
esac
