#!/usr/bin/env bash
# Runs a bench scenario against a server in its own JVM (embedded store on a fresh data
# directory, free loopback ports, registration, key-fetch and per-address connection limits raised for the bench's clients), so the
# bench's figures split CPU per message between the server (from its /metrics) and the load
# generator. Prints the bench's summary and JSON line.
#   scripts/bench-server.sh SCENARIO [BENCH OPTIONS...]
#   e.g. scripts/bench-server.sh one-to-one --clients 1000 --rate 2000 --size 64 --duration 30
# Environment: JAR (default target/sealpost.jar), BENCH_JAR (the load generator's, default $JAR:
# compare two servers under one load generator), SERVER_JAVA_OPTS (default -Xmx4g),
# SERVER_ENV (extra VAR=value settings for the server), KEEP=1 keeps the data and server log.
# STORE=cassandra runs the server on conf/production.yaml (the Cassandra and Redis that
# scripts/cassandra-start.sh and scripts/redis-start.sh start) in keyspace $KEYSPACE (default
# sealpost_bench) under a fresh Redis key prefix, and also prints Cassandra's CPU during the bench.
# Give each such run its own --prefix: accounts stay in the keyspace. For figures on Cassandra, use
# --warmup 40 or more (the server's JVM is new each run and compiles for about a minute) and start
# each series on an empty Cassandra (scripts/cassandra-stop.sh; rm -rf var/cassandra;
# scripts/cassandra-start.sh) with a warm-up run: a keyspace per run fills its 512 MB heap.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${JAR:-target/sealpost.jar}
BENCH_JAR=${BENCH_JAR:-$JAR}
WORK=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
HTTP=$(free_port); TCP=$(free_port); MEDIA=$(free_port)

STORE_ARGS=(--data-dir "$WORK/data")
STORE_ENV=()
if [ "${STORE:-embedded}" = cassandra ]; then
  STORE_ARGS=(--config conf/production.yaml)
  STORE_ENV=(SEALPOST_STORE_CASSANDRA_KEYSPACE="${KEYSPACE:-sealpost_bench}"
    SEALPOST_STORE_REDIS_KEY_PREFIX="bench-$(date +%s%N):"
    SEALPOST_LIMITS_REGISTRATION_CODE_PER_NUMBER_BUCKET_SIZE=1000000
    SEALPOST_LIMITS_REGISTRATION_CODE_PER_IP_AND_NUMBER_BUCKET_SIZE=1000000)
fi
env "${STORE_ENV[@]}" SEALPOST_GATEWAY_HTTP_PORT=$HTTP SEALPOST_GATEWAY_TCP_PORT=$TCP SEALPOST_MEDIA_PORT=$MEDIA \
  SEALPOST_ACCOUNTS_TEST_NUMBERS='{"+1999*": "999999"}' SEALPOST_GATEWAY_MAX_UNAUTHENTICATED_PER_IP=0 \
  SEALPOST_LIMITS_REGISTRATION_CODE_PER_IP_BUCKET_SIZE=1000000 SEALPOST_LIMITS_VERIFY_PER_IP_BUCKET_SIZE=1000000 \
  SEALPOST_GATEWAY_MAX_HTTP_CONNECTIONS_PER_IP=0 SEALPOST_LIMITS_KEY_FETCH_PER_TARGET_BUCKET_SIZE=1000000 SEALPOST_LIMITS_KEY_FETCH_PER_ACCOUNT_PAIR_BUCKET_SIZE=1000000 ${SERVER_ENV:-} \
  java ${SERVER_JAVA_OPTS:--Xmx4g} -jar "$JAR" server "${STORE_ARGS[@]}" > "$WORK/server.log" 2>&1 &
SERVER=$!
cleanup() {
  kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
# A new keyspace on a Cassandra that has taken many runs can take over a minute to create.
for _ in $(seq 900); do curl -sf "http://127.0.0.1:$HTTP/health" >/dev/null && break; kill -0 $SERVER 2>/dev/null || break; sleep 0.2; done
if ! curl -sf "http://127.0.0.1:$HTTP/health" >/dev/null; then
  echo "bench-server: the server did not come up (it stopped, or 180 s passed); its log:" >&2; tail -20 "$WORK/server.log" >&2; exit 1
fi
echo "server pid $SERVER: http $HTTP, tcp $TCP; $(nproc) cores; $(java -version 2>&1 | head -1)"
cassandra_ticks() { awk '{print $14 + $15}' "/proc/$(cat var/cassandra/cassandra.pid)/stat"; }
[ "${STORE:-embedded}" = cassandra ] && before=$(cassandra_ticks)
java ${BENCH_JAVA_OPTS:-} -jar "$BENCH_JAR" bench "$@" --server "http://127.0.0.1:$HTTP" --tcp-port $TCP
if [ "${STORE:-embedded}" = cassandra ]; then
  echo "cassandra CPU during the bench: $(( ($(cassandra_ticks) - before) / $(getconf CLK_TCK) )) s"
fi
