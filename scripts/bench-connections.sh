#!/usr/bin/env bash
# Server memory per idle authenticated TCP connection: starts a server in its own JVM (embedded
# store, free loopback ports, registration limits raised), runs `bench connections`, and forces a
# full GC in the server (jcmd) before the bench's first and last reads of /metrics, so the
# live-heap figure is exact. Prints the bench's summary and JSON, and the server's class
# histogram of live objects with the connections held (top 25) when HISTO=1.
#   scripts/bench-connections.sh [CONNECTIONS] [SOURCE_ADDRESSES] [HOLD_SECONDS]
# Each connection is a file descriptor on both sides: `ulimit -n` bounds CONNECTIONS (about
# 19,000 at this machine's limit of 20,000; raise it as root, or in /etc/security/limits.conf).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-5000}
SOURCES=${2:-1}
HOLD=${3:-30}
JAR=${JAR:-target/sealpost.jar}
WORK=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
HTTP=$(free_port); TCP=$(free_port); MEDIA=$(free_port)

SEALPOST_GATEWAY_HTTP_PORT=$HTTP SEALPOST_GATEWAY_TCP_PORT=$TCP SEALPOST_MEDIA_PORT=$MEDIA \
SEALPOST_ACCOUNTS_TEST_NUMBERS='{"+1999*": "999999"}' SEALPOST_GATEWAY_MAX_UNAUTHENTICATED_PER_IP=0 \
SEALPOST_LIMITS_REGISTRATION_CODE_PER_IP_BUCKET_SIZE=1000000 SEALPOST_LIMITS_VERIFY_PER_IP_BUCKET_SIZE=1000000 \
  java ${SERVER_JAVA_OPTS:--Xmx4g} -jar $JAR server --data-dir "$WORK/data" > "$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 150); do curl -sf "http://127.0.0.1:$HTTP/health" >/dev/null && break; sleep 0.2; done
echo "server pid $SERVER: http $HTTP, tcp $TCP; $N connections from $SOURCES source address(es); ulimit -n $(ulimit -n); $(nproc) cores; $(java -version 2>&1 | head -1)"

jcmd $SERVER GC.run >/dev/null
java -jar $JAR bench connections --server "http://127.0.0.1:$HTTP" --tcp-port $TCP --clients "$N" \
  --source-addresses "$SOURCES" --duration "$HOLD" > "$WORK/bench.out" 2>&1 &
BENCH=$!
# Once every connection is up: a full GC, so the bench's closing read sees the live heap.
until grep -q '^connected' "$WORK/bench.out" 2>/dev/null || ! kill -0 $BENCH 2>/dev/null; do sleep 1; done
sleep 2
jcmd $SERVER GC.run >/dev/null
if [ "${HISTO:-0}" = 1 ]; then
  jmap -histo:live $SERVER | head -28 > "$WORK/histo.txt"
fi
wait $BENCH
grep -v '^[0-9T:.-]*Z ' "$WORK/bench.out" || true
[ -f "$WORK/histo.txt" ] && cat "$WORK/histo.txt"
echo "server RSS at the end: $(ps -o rss= -p $SERVER) KiB"
