#!/usr/bin/env bash
# Starts a local three-node Sealpost cluster on 127.0.0.1: Redis and Cassandra (through
# scripts/redis-start.sh and scripts/cassandra-start.sh, which leave running services alone),
# then three `server --cluster` nodes with conf/cluster.yaml, and returns once all are healthy.
# Stop everything with scripts/cluster-down.sh.
#
#   node     http (REST, WebSocket)   tcp frames   media   Hazelcast
#   node-1   127.0.0.1:8091           5231         8181    5801
#   node-2   127.0.0.1:8092           5232         8182    5802
#   node-3   127.0.0.1:8093           5233         8183    5803
#
# State: ${SEALPOST_VAR:-var}/cluster/node-N/ (server.log, server.pid, data/), the nodes' shared
# media directory ${SEALPOST_VAR:-var}/cluster/media (a cluster's nodes must share one: a blob
# uploaded through one node is downloaded through any), and var/cluster/services (what this
# script started, so cluster-down.sh stops only that). scripts/cluster-check.sh runs it as
# documented and checks a message and a file across nodes.
# Environment: SEALPOST_VAR; SEALPOST_CLUSTER_NODES (default 3, at most 9);
# SEALPOST_CLUSTER_START_TIMEOUT seconds per node (default 180); any SEALPOST_* key override
# reaches every node (e.g. SEALPOST_STORE_CASSANDRA_KEYSPACE).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
VAR="${SEALPOST_VAR:-var}"
case "$VAR" in /*) ;; *) VAR="$ROOT/$VAR" ;; esac
DIR="$VAR/cluster"
NODES="${SEALPOST_CLUSTER_NODES:-3}"
TIMEOUT="${SEALPOST_CLUSTER_START_TIMEOUT:-180}"
JAR="$ROOT/target/sealpost.jar"

if ! [[ "$NODES" =~ ^[1-9]$ ]]; then
  echo "cluster-up: SEALPOST_CLUSTER_NODES must be 1..9, got '$NODES'" >&2
  exit 2
fi
mkdir -p "$DIR"

is_node() {
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q 'sealpost.jar server'
}

healthy() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$1/health" 2>/dev/null)" = "200" ]
}

# Services: start only what does not answer yet, and remember it for cluster-down.sh.
if [ "${SEALPOST_CLUSTER_SKIP_SERVICES:-}" != "1" ]; then
  started=""
  if ! [[ "$(timeout 2 redis-cli -h 127.0.0.1 -p "${SEALPOST_REDIS_PORT:-6380}" ping 2>/dev/null)" == "PONG" ]]; then
    scripts/redis-start.sh
    started="redis"
  fi
  if ! timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/${SEALPOST_CASSANDRA_PORT:-9042}" 2>/dev/null; then
    scripts/cassandra-start.sh
    started="$started cassandra"
  fi
  existing="$(cat "$DIR/services" 2>/dev/null || true)"
  echo "$existing $started" | xargs -n1 2>/dev/null | sort -u | xargs >"$DIR/services" || true
fi

if [ ! -f "$JAR" ]; then
  echo "cluster-up: building $JAR"
  mvn -B -q package -DskipTests
fi

# What Hazelcast asks for on Java 9+ (without them it warns and runs slower paths).
HAZELCAST_OPENS=(--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.management/sun.management=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED)

members=""
for n in $(seq 1 "$NODES"); do
  members="${members:+$members,}127.0.0.1:$((5800 + n))"
done

for n in $(seq 1 "$NODES"); do
  node_dir="$DIR/node-$n"
  mkdir -p "$node_dir"
  pid="$(cat "$node_dir/server.pid" 2>/dev/null || true)"
  if is_node "$pid"; then
    echo "cluster-up: node-$n already runs (pid $pid)"
    continue
  fi
  SEALPOST_NODE_ID="node-$n" SEALPOST_CLUSTER_PORT="$((5800 + n))" SEALPOST_CLUSTER_MEMBERS="$members" \
    SEALPOST_MEDIA_DIR="${SEALPOST_MEDIA_DIR:-$DIR/media}" \
    nohup java -Xmx512m "${HAZELCAST_OPENS[@]}" -jar "$JAR" server --cluster --config conf/cluster.yaml \
      --data-dir "$node_dir/data" --http-port "$((8090 + n))" --tcp-port "$((5230 + n))" \
      --media-port "$((8180 + n))" \
      >>"$node_dir/server.log" 2>&1 </dev/null &
  echo $! >"$node_dir/server.pid"
  echo "cluster-up: node-$n starting (pid $!, log $node_dir/server.log)"
done

for n in $(seq 1 "$NODES"); do
  deadline=$((SECONDS + TIMEOUT))
  until healthy "$((8090 + n))"; do
    pid="$(cat "$DIR/node-$n/server.pid")"
    if ! is_node "$pid"; then
      echo "cluster-up: node-$n exited; see $DIR/node-$n/server.log (stop the others with scripts/cluster-down.sh)" >&2
      tail -n 20 "$DIR/node-$n/server.log" >&2 || true
      exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "cluster-up: node-$n not healthy within ${TIMEOUT}s; see $DIR/node-$n/server.log" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "cluster-up: node-$n up: http://127.0.0.1:$((8090 + n)) tcp 127.0.0.1:$((5230 + n)) media http://127.0.0.1:$((8180 + n))"
done
echo "cluster-up: $NODES nodes up; stop with scripts/cluster-down.sh"
