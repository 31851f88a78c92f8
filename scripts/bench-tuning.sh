#!/usr/bin/env bash
# The docs/tuning.md tables: for each setting, a fresh node (embedded store, its own JVM) and a
# saturating one-to-one run against it from a second JVM; prints one markdown row per setting.
# Usage: scripts/bench-tuning.sh [JAR]   (default target/sealpost.jar; build it first)
# Environment: RATE (default 4000), DURATION (default 20), CLIENTS (default 100).
set -euo pipefail
cd "$(dirname "$0")/.."
jar="${1:-target/sealpost.jar}"
rate="${RATE:-4000}" duration="${DURATION:-20}" clients="${CLIENTS:-100}"
http=18190 tcp=15390 media=18191

run() { # eventLoopThreads gatewayInstances workerThreads
  local dir; dir=$(mktemp -d /tmp/sealpost-tune.XXXXXX)
  SEALPOST_NODE_EVENT_LOOP_THREADS="$1" SEALPOST_GATEWAY_INSTANCES="$2" SEALPOST_NODE_WORKER_THREADS="$3" \
  SEALPOST_ACCOUNTS_TEST_NUMBERS='{"+1999*": "999999"}' SEALPOST_GATEWAY_MAX_UNAUTHENTICATED_PER_IP=0 \
  SEALPOST_LIMITS_REGISTRATION_CODE_PER_IP_BUCKET_SIZE=100000 SEALPOST_LIMITS_VERIFY_PER_IP_BUCKET_SIZE=100000 \
  SEALPOST_MEDIA_PORT=$media \
    java -jar "$jar" server --data-dir "$dir" --http-port $http --tcp-port $tcp >"$dir/server.log" 2>&1 &
  local server=$!
  local tries=0
  until java -jar "$jar" health --url "http://127.0.0.1:$http" --ready >/dev/null; do
    tries=$((tries + 1)); [[ $tries -lt 60 ]] || { echo "node did not start: $dir/server.log" >&2; exit 1; }
    sleep 1
  done
  local json
  json=$(java -jar "$jar" bench one-to-one --server "http://127.0.0.1:$http" --tcp-port $tcp \
      --clients "$clients" --rate "$rate" --duration "$duration" 2>/dev/null | grep '^{"scenario"' || true)
  kill -TERM "$server"; wait "$server" || true
  rm -rf "$dir"
  python3 - "$1" "$2" "$3" "$json" <<'PY'
import json, sys
loops, instances, workers, line = sys.argv[1:5]
if not line:
    print(f"| {loops} | {instances} | {workers} | (run failed) | | | |"); sys.exit()
r = json.loads(line)
print(f"| {loops} | {instances} | {workers} | {r['acked_per_s']:,.0f} | {r['delivery_ms']['p50']:.1f} | "
      f"{r['delivery_ms']['p99']:.1f} | {r['lost']} |")
PY
}

echo "| eventLoopThreads | gateway.instances | workerThreads | acked msg/s | delivery p50 ms | delivery p99 ms | lost |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for setting in "1 1 20" "2 2 20" "4 2 20" "4 4 20" "4 2 4" "4 2 64"; do
  run $setting
done
